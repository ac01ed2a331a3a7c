"""A sparse linear regression (scikit-learn's ``make_sparse_uncorrelated``: 4 of 20
inputs matter): a linear model, plain SGD, batch 16.

2,000 points (``random_state=37``), the target standardised; 1,600 for training and 400 for
validation (fixed split). One linear layer, mean squared error; 5 epochs = 500 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_sparse_uncorrelated
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_sparse_uncorrelated(n_samples=2000, n_features=20, random_state=37)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    y = (y - y.mean()) / y.std()
    return TensorDataset(x[400:], y[400:]), TensorDataset(x[:400], y[:400])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh linear model (initialised from the current torch RNG)."""
    return nn.Linear(20, 1)


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 5


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr)
