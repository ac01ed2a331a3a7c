"""Regression on low-rank features (scikit-learn's ``make_regression``): an MLP with layer
normalisation, RMSprop, batch 32.

``make_regression(2500, n_features=40, n_informative=10, effective_rank=10, noise=5.0,
random_state=53)``; features and target standardised on the training split; a fixed split,
2,000 for training and 500 for validation. Two hidden layers of 96 (LayerNorm, SiLU) and a
linear read-out; mean squared error; RMSprop (alpha 0.99); 12 epochs = 756 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_regression
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_regression(
        2500, n_features=40, n_informative=10, effective_rank=10, noise=5.0, random_state=53
    )
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    x = (x - x[:2000].mean(0)) / x[:2000].std(0)
    y = (y - y[:2000].mean()) / y[:2000].std()
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(40, 96),
        nn.LayerNorm(96),
        nn.SiLU(),
        nn.Linear(96, 96),
        nn.LayerNorm(96),
        nn.SiLU(),
        nn.Linear(96, 1),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = nn.MSELoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr, alpha=0.99)
