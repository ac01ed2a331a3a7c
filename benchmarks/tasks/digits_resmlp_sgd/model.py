"""Handwritten digits (scikit-learn's bundled ``load_digits``) read as 64 pixels: a residual
MLP with BatchNorm, SGD with Nesterov momentum and weight decay, batch 64.

1,797 images scaled to [0, 1]; a fixed split (torch seed 83), 1,437 for training and 360 for
validation. A linear layer to 128, two residual blocks (BatchNorm, ReLU, linear 128), and a
ten-class read-out; cross-entropy; SGD (momentum 0.9, Nesterov, weight decay 5e-4); 10
epochs.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data = load_digits()
    x = torch.tensor(data.data, dtype=torch.float32) / 16.0
    y = torch.tensor(data.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(83))
    x, y = x[order], y[order]
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


class Block(nn.Module):
    """x + linear(relu(batchnorm(x)))."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.norm = nn.BatchNorm1d(width)
        self.linear = nn.Linear(width, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.linear(torch.relu(self.norm(x)))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(64, 128), Block(128), Block(128), nn.Linear(128, 10))


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
