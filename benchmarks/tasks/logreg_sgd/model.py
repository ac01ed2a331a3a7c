"""Breast-cancer diagnosis (scikit-learn's ``load_breast_cancer``): logistic regression,
plain SGD (no momentum, no weight decay), batch 16.

455 training / 114 validation patients (fixed split, standardised features), a linear model
and binary cross-entropy: a convex problem whose stable LR is bounded by the curvature of
the loss (at most λ_max(XᵀX/n)/4). 20 epochs = 580 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_breast_cancer
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = load_breast_cancer(return_X_y=True)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    x, y = x[perm], y[perm]
    mx, sx = x[114:].mean(0), x[114:].std(0)
    x = (x - mx) / sx
    return TensorDataset(x[114:], y[114:]), TensorDataset(x[:114], y[:114])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh linear model (initialised from the current torch RNG)."""
    return nn.Linear(30, 1)


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=114)
criterion = nn.BCEWithLogitsLoss()
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr)
