"""A sparse regression with unit noise (scikit-learn's ``make_sparse_uncorrelated``): an
MLP, RMSprop, batch 16.

2,400 points (``random_state=31``): ten standard normal inputs, of which four carry the
target, plus unit Gaussian noise; the target scaled to unit variance; 2,000 for training
and 400 for validation (fixed split). A 10-64-64-1 ReLU MLP, mean squared error;
8 epochs = 1,000 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_sparse_uncorrelated
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_sparse_uncorrelated(n_samples=2400, n_features=10, random_state=31)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    y = (y - y.mean()) / y.std()
    return TensorDataset(x[400:], y[400:]), TensorDataset(x[:400], y[:400])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
