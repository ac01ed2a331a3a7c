"""A 3 x 3 checkerboard in the plane: which colour a point lies on, a ReLU MLP, SGD with
momentum, batch 32.

2,500 points uniform in [-1.5, 1.5]² (torch seed 43), labelled by the parity of their cell on
a 3 x 3 board, 5% of labels flipped; a fixed split, 2,000 for training and 500 for validation.
Three hidden layers of 64 (ReLU) and a linear read-out over the two colours; cross-entropy;
SGD with momentum 0.9; 20 epochs = 1,260 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(43)
    x = 3 * torch.rand(2500, 2, generator=g) - 1.5
    cells = torch.floor(x + 1.5).long()  # 0..2 along each axis
    y = (cells[:, 0] + cells[:, 1]) % 2
    flip = torch.rand(2500, generator=g) < 0.05
    y = torch.where(flip, 1 - y, y)
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(2, 64),
        nn.ReLU(),
        nn.Linear(64, 64),
        nn.ReLU(),
        nn.Linear(64, 64),
        nn.ReLU(),
        nn.Linear(64, 2),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = nn.CrossEntropyLoss()
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
