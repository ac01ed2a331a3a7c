"""Diabetes progression (scikit-learn's bundled ``load_diabetes``): a wide ReLU MLP, SGD
with momentum, batch 4.

442 patients, ten standardised features; the target standardised on the training part. The
first 352 for training and the last 90 for validation. Two hidden layers of 128 with ReLU;
mean squared error; SGD with momentum 0.9; 8 epochs = 704 steps. Four noisy targets per
batch make the batch loss jump by several times from one step to the next.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_diabetes
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = load_diabetes(return_X_y=True)
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32).unsqueeze(-1)
    x = (x - x[:352].mean(0)) / x[:352].std(0)
    y = (y - y[:352].mean()) / y[:352].std()
    return TensorDataset(x[:352], y[:352]), TensorDataset(x[352:], y[352:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(10, 128),
        nn.ReLU(),
        nn.Linear(128, 128),
        nn.ReLU(),
        nn.Linear(128, 1),
    )


train_loader = DataLoader(_TRAIN, batch_size=4, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=90)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
