"""An impedance-like regression (scikit-learn's ``make_friedman2``): an MLP, RMSprop,
batch 32.

2,000 points (noise 20, ``random_state=27``), each of the four inputs scaled to [0, 1] and
the target to unit variance; 1,600 for training and 400 for validation (fixed split). A
4-64-64-1 tanh MLP, mean squared error; 12 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_friedman2
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_friedman2(n_samples=2000, noise=20.0, random_state=27)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    x = (x - x.min(0).values) / (x.max(0).values - x.min(0).values)
    y = (y - y.mean()) / y.std()
    return TensorDataset(x[400:], y[400:]), TensorDataset(x[:400], y[:400])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
