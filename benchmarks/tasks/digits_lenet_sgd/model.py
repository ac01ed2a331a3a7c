"""Handwritten digits (scikit-learn's bundled ``load_digits``, 8×8): a small tanh LeNet with
average pooling, plain SGD, batch 32.

1,797 images scaled to [0, 1]; a fixed split (torch seed 61), 1,437 for training and 360 for
validation. Conv 3×3 (6 channels, padding 1), tanh, 2×2 average pooling; conv 3×3 (16
channels), tanh; a tanh layer of 64 and a ten-class read-out; cross-entropy; SGD without
momentum; 12 epochs.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data = load_digits()
    x = torch.tensor(data.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(data.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(61))
    x, y = x[order], y[order]
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 3, padding=1),
        nn.Tanh(),
        nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 3),
        nn.Tanh(),
        nn.Flatten(),
        nn.Linear(16 * 2 * 2, 64),
        nn.Tanh(),
        nn.Linear(64, 10),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr)
