"""The orientation of a noisy sine grating: a small CNN without normalisation, SGD with
momentum, batch 32.

Synthetic 16 x 16 images (torch seed 29): a sine grating of random frequency (1.5-4 cycles
across the image) and phase, at one of 6 orientations (0°, 30°, ... 150°) jittered by up to
±6°, with random contrast (0.3-1.0) and Gaussian pixel noise of standard deviation 0.8;
2,400 images, a fixed split of 2,000 for training and 400 for validation. Two 3 x 3
convolutions (16 and 32 channels, ReLU, 2 x 2 max pooling after each), global average
pooling and a linear read-out over the 6 orientations; cross-entropy; SGD with momentum
0.9; 12 epochs = 756 steps.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_N, _SIDE, _CLASSES = 2400, 16, 6


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(29)
    label = torch.randint(0, _CLASSES, (_N,), generator=g)
    jitter = (torch.rand(_N, generator=g) - 0.5) * math.radians(12)
    angle = label * math.pi / _CLASSES + jitter
    freq = 1.5 + 2.5 * torch.rand(_N, generator=g)
    phase = 2 * math.pi * torch.rand(_N, generator=g)
    contrast = 0.3 + 0.7 * torch.rand(_N, generator=g)
    axis = torch.linspace(-0.5, 0.5, _SIDE)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    along = xx * torch.cos(angle)[:, None, None] + yy * torch.sin(angle)[:, None, None]
    wave = torch.sin(2 * math.pi * freq[:, None, None] * along + phase[:, None, None])
    images = contrast[:, None, None] * wave + 0.8 * torch.randn(_N, _SIDE, _SIDE, generator=g)
    images = images.unsqueeze(1)
    return TensorDataset(images[:2000], label[:2000]), TensorDataset(images[2000:], label[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, _CLASSES),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.CrossEntropyLoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
