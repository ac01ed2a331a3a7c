"""Regression on scikit-learn's synthetic ``make_regression`` (40 features, 10 informative,
noise): a deep ReLU MLP, Adam, batch 32.

2,000 samples (random_state 17), features and target standardised on the training split; a
fixed split, 1,600 for training and 400 for validation. Four hidden layers of 64 (ReLU) and a
linear read-out; mean squared error; Adam with its defaults; 15 epochs.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_regression
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_regression(
        n_samples=2000, n_features=40, n_informative=10, noise=20.0, random_state=17
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    x = (x - x[:1600].mean(0)) / x[:1600].std(0)
    y = (y - y[:1600].mean()) / y[:1600].std()
    return TensorDataset(x[:1600], y[:1600]), TensorDataset(x[1600:], y[1600:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    layers: list[nn.Module] = []
    width = 40
    for _ in range(4):
        layers += [nn.Linear(width, 64), nn.ReLU()]
        width = 64
    return nn.Sequential(*layers, nn.Linear(width, 1))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
