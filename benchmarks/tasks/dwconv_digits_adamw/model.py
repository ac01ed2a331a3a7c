"""Handwritten digits (scikit-learn's bundled ``load_digits``): a depthwise-separable CNN,
AdamW, batch 32.

1,797 8x8 images scaled to [0, 1], 1,437 for training and 360 for validation (fixed split,
the first 360 for validation). A 3x3 convolution to 24 channels, then two blocks of a 3x3
depthwise convolution and a 1x1 pointwise convolution, each followed by a SiLU (no
normalization), a 2x2 max-pool after the first block, global average pooling and a linear
read-out; cross-entropy; AdamW with weight decay 0.05; 10 epochs = 450 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


def _separable(channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(channels, channels, 3, padding=1, groups=channels),
        nn.Conv2d(channels, channels, 1),
        nn.SiLU(),
    )


def model() -> nn.Module:
    """A fresh CNN (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Conv2d(1, 24, 3, padding=1),
        nn.SiLU(),
        _separable(24),
        nn.MaxPool2d(2),
        _separable(24),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(24, 10),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.05)
