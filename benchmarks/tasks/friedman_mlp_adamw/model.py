"""Friedman #1 regression (scikit-learn's ``make_friedman1``): an MLP regressor, AdamW.

2,000 training / 500 validation samples (noise 1.0, standardised target), MSE loss, AdamW
with weight decay 0.01, batch 64, 40 epochs = 1,280 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_friedman1
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_friedman1(n_samples=2500, n_features=10, noise=1.0, random_state=0)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    my, sy = y[500:].mean(), y[500:].std()
    x, y = (x - 0.5) / 0.29, (y - my) / sy
    return TensorDataset(x[500:], y[500:]), TensorDataset(x[:500], y[:500])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = nn.MSELoss()
epochs = 40


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
