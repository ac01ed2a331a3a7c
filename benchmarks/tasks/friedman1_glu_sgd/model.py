"""Friedman #1 regression with gated linear units: SGD with Nesterov momentum, batch 32.

scikit-learn's ``make_friedman1`` (2,400 samples, 10 features of which 5 matter, noise 1.0,
random_state 71), targets standardised on the training split. A fixed split of 2,000 for
training and 400 for validation. Two blocks of a gated linear unit (a linear layer to 2×64,
halves multiplied, one through a sigmoid: ``nn.GLU``) and a linear read-out; mean squared
error; SGD (momentum 0.9, Nesterov); 8 epochs = 504 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_friedman1
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_friedman1(n_samples=2400, n_features=10, noise=1.0, random_state=71)
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    mean, std = y[:2000].mean(), y[:2000].std()
    y = (y - mean) / std
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(10, 128), nn.GLU(), nn.Linear(64, 128), nn.GLU(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
