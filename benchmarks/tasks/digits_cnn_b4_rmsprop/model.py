"""Handwritten digits (scikit-learn's bundled ``load_digits``): a small GELU CNN with
average pooling, RMSprop, batch 4.

1,797 8x8 images scaled to [0, 1], 1,437 for training and 360 for validation (fixed split,
the first 360 for validation). Two 3x3 convolutions of 12 channels with GELU, a 2x2
average pool after the second, then a 192-10 linear read-out; cross-entropy; RMSprop;
2 epochs = 720 steps. Batches of four images make the batch loss noisy.
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


def model() -> nn.Module:
    """A fresh CNN (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Conv2d(1, 12, 3, padding=1),
        nn.GELU(),
        nn.Conv2d(12, 12, 3, padding=1),
        nn.GELU(),
        nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(12 * 4 * 4, 10),
    )


train_loader = DataLoader(_TRAIN, batch_size=4, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 2


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
