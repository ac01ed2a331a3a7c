"""Handwritten digits (scikit-learn's 8x8 ``load_digits``) with random shifts: a small CNN,
AdamW (weight decay 0.05), batch 32.

1,437 training / 360 validation images (fixed split, pixels scaled to [0, 1]). Every
training batch is shifted at random by up to one pixel in each direction (zero fill), so
no two epochs see the same images. Two 3x3 convolutions (16 and 32 channels, ReLU, the
second with stride 2), global average pooling and a linear read-out; cross-entropy,
8 epochs = 360 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data = load_digits()
    x = torch.tensor(data.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(data.target, dtype=torch.long)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    x, y = x[perm], y[perm]
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


def _shifted(batch: list[tuple[torch.Tensor, torch.Tensor]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Stack a batch and shift it by up to one pixel (torch's global RNG draws the shift)."""
    x = torch.stack([item[0] for item in batch])
    y = torch.stack([item[1] for item in batch])
    dy, dx = (int(v) for v in torch.randint(-1, 2, (2,)))
    x = torch.roll(F.pad(x, (1, 1, 1, 1)), shifts=(dy, dx), dims=(2, 3))[:, :, 1:-1, 1:-1]
    return x, y


def model() -> nn.Module:
    """A fresh CNN (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1, stride=2),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(32, 10),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True, collate_fn=_shifted)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.05)
