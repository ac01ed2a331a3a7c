"""Diabetes progression (scikit-learn's ``load_diabetes``): an MLP regressor, Adam.

352 training / 90 validation patients (fixed split), standardised target, MSE loss,
batch 32, 40 epochs = 440 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_diabetes
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_SPLIT_SEED = 0


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = load_diabetes(return_X_y=True)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(_SPLIT_SEED))
    x, y = x[perm], y[perm]
    n_val = 90
    xt, yt = x[n_val:], y[n_val:]
    mx, sx, my, sy = xt.mean(0), xt.std(0), yt.mean(), yt.std()
    x, y = (x - mx) / sx, (y - my) / sy
    return TensorDataset(x[n_val:], y[n_val:]), TensorDataset(x[:n_val], y[:n_val])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=90)
criterion = nn.MSELoss()
epochs = 40


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
