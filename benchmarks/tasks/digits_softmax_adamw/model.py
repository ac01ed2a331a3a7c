"""Handwritten digits (scikit-learn's bundled ``load_digits``): softmax regression, AdamW
(weight decay 0.05), batch 64.

1,797 8×8 images, 1,437 for training and 360 for validation (fixed split, seed 0), pixels
scaled to [0, 1]; one linear layer (64 → 10) and cross-entropy; 15 epochs = 345 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data = load_digits()
    x = torch.tensor(data.data, dtype=torch.float32) / 16
    y = torch.tensor(data.target, dtype=torch.long)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    x, y = x[perm], y[perm]
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh linear classifier (initialised from the current torch RNG)."""
    return nn.Linear(64, 10)


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.05)
