"""A noisy synthetic regression (scikit-learn's ``make_regression``): an MLP, SGD with
Nesterov momentum 0.9, batch 64.

4,000 samples of 20 features (10 informative, noise 20, ``random_state=0``), 3,200 for
training and 800 for validation (fixed split, standardised inputs and targets), a
20-64-64-1 tanh MLP and the mean squared error; 15 epochs = 750 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_regression
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_regression(
        n_samples=4000, n_features=20, n_informative=10, noise=20.0, random_state=0
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    mx, sx, my, sy = x[800:].mean(0), x[800:].std(0), y[800:].mean(), y[800:].std()
    x, y = (x - mx) / sx, (y - my) / sy
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(20, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.MSELoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
