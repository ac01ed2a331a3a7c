"""Friedman's first regression problem with 45 distractor inputs (scikit-learn's
``make_friedman1``, 50 features, 5 informative): an MLP, Adagrad, batch 32.

3,000 points (noise 1.0, ``random_state=31``), the target standardised; 2,400 for training
and 600 for validation (fixed split). A 50-128-64-1 ReLU MLP, mean squared error; 8 epochs
= 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_friedman1
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_friedman1(n_samples=3000, n_features=50, noise=1.0, random_state=31)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    y = (y - y.mean()) / y.std()
    return TensorDataset(x[600:], y[600:]), TensorDataset(x[:600], y[:600])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(50, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
