"""Regression with heavy-tailed noise: a ReLU MLP, RAdam, batch 4.

``make_regression`` (2,400 samples, 10 features, 6 informative, random state 94), targets
standardised, plus Student-t noise with 3 degrees of freedom scaled by 0.5 (numpy seed 94):
most batches of four are easy and a few carry a sample far off the plane. 2,000 for
training, 400 for validation. Two ReLU layers of 64; mean squared error; RAdam; 3 epochs
= 1,500 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import make_regression
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_regression(n_samples=2400, n_features=10, n_informative=6, random_state=94)
    y = (y - y[:2000].mean()) / y[:2000].std()
    y = y + 0.5 * np.random.default_rng(94).standard_t(3, size=y.shape)
    x = (x - x[:2000].mean(axis=0)) / x[:2000].std(axis=0)
    xt = torch.tensor(x, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    return TensorDataset(xt[:2000], yt[:2000]), TensorDataset(xt[2000:], yt[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=4, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 3


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RAdam(params, lr=lr)
