"""Friedman's third regression problem (scikit-learn's ``make_friedman3``): a GELU MLP, Adam,
batch 32.

3,000 points (noise 0.1, ``random_state=43``), each of the four inputs scaled to [0, 1] and
the target standardised; 2,400 for training and 600 for validation (fixed split). A
4-64-64-1 GELU MLP, mean squared error; 6 epochs = 450 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_friedman3
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_friedman3(n_samples=3000, noise=0.1, random_state=43)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    x = (x - x.min(0).values) / (x.max(0).values - x.min(0).values)
    y = (y - y.mean()) / y.std()
    return TensorDataset(x[600:], y[600:]), TensorDataset(x[:600], y[:600])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(4, 64), nn.GELU(), nn.Linear(64, 64), nn.GELU(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.MSELoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
