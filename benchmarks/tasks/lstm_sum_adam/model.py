"""The sum of a sequence of signed numbers: an LSTM regression, Adam, batch 32.

3,000 sequences of 16 values drawn from N(0, 1) (torch seed 5); the target is their sum
divided by 4 (unit variance). 2,400 for training and 600 for validation (fixed split). One
LSTM layer (hidden 32) read at its last step, a linear read-out and mean squared error;
8 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x = torch.randn(3000, 16, 1, generator=torch.Generator().manual_seed(5))
    y = x.sum(dim=(1, 2)).unsqueeze(1) / 4
    return TensorDataset(x[600:], y[600:]), TensorDataset(x[:600], y[:600])


_TRAIN, _VAL = _tensors()  # cached at import


class _Summer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(1, 32, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def model() -> nn.Module:
    """A fresh LSTM (initialised from the current torch RNG)."""
    return _Summer()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
