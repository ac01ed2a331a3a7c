"""Handwritten digits read row by row (scikit-learn's bundled ``load_digits``): an LSTM,
SGD with momentum, batch 32.

1,797 8x8 images scaled to [0, 1], each read as a sequence of its 8 rows (8 values each);
1,437 for training and 360 for validation (fixed split, the last 360 for validation). One
LSTM layer (hidden 64) read at its last step, a linear read-out to 10 classes and
cross-entropy; SGD with momentum 0.9; 10 epochs = 450 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32) / 16.0  # (n, 8 rows, 8 columns)
    y = torch.tensor(digits.target, dtype=torch.long)
    return TensorDataset(x[:1437], y[:1437]), TensorDataset(x[1437:], y[1437:])


_TRAIN, _VAL = _tensors()  # cached at import


class _RowReader(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(8, 64, batch_first=True)
        self.head = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def model() -> nn.Module:
    """A fresh LSTM (initialised from the current torch RNG)."""
    return _RowReader()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
