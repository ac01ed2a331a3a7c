"""Handwritten digits read as a sequence of 64 pixels: a dilated 1-D CNN (a small temporal
convolutional network), SGD with momentum, batch 32.

scikit-learn's bundled ``load_digits``: 1,797 8x8 images scaled to [0, 1] and flattened row
by row, 1,437 for training and 360 for validation (fixed split, the first 360 for
validation). Four convolutions of width 3 and 24 channels with dilations 1, 2, 4 and 8
(ReLU), a mean over positions and a linear read-out; cross-entropy; SGD (momentum 0.9);
10 epochs = 450 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    layers: list[nn.Module] = []
    channels = 1
    for dilation in (1, 2, 4, 8):
        layers += [nn.Conv1d(channels, 24, 3, padding=dilation, dilation=dilation), nn.ReLU()]
        channels = 24
    return nn.Sequential(*layers, nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(channels, 10))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
