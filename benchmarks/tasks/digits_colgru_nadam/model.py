"""Handwritten digits (scikit-learn's bundled ``load_digits``) read column by column: a GRU,
NAdam, batch 32.

1,797 8x8 images scaled to [0, 1], 1,437 for training and 360 for validation (fixed split,
the first 360 for validation). Each image is a sequence of its 8 columns (8 pixels each); a
GRU of width 48 reads them, and a linear read-out of its last state gives the class;
cross-entropy; 6 epochs = 270 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).transpose(1, 2) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


class _ColumnGRU(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.gru = nn.GRU(8, 48, batch_first=True)
        self.head = nn.Linear(48, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.gru(x)
        return self.head(h[-1])


def model() -> nn.Module:
    """A fresh GRU classifier (initialised from the current torch RNG)."""
    return _ColumnGRU()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.NAdam(params, lr=lr)
