"""The frequency of a noisy sine wave: an LSTM regression, AdamW, batch 32.

2,500 sequences of 24 samples of ``sin(2 pi f t + phase)`` plus N(0, 0.3) noise, with f
drawn uniformly from [0.05, 0.4] cycles per sample and a uniform phase (torch seed 11); the
target is f standardized to zero mean and unit variance. 2,000 for training and 500 for
validation (fixed split). One LSTM layer (hidden 32) read at its last step, a linear
read-out and mean squared error; 6 epochs = 378 steps.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(11)
    n, length = 2500, 24
    f = 0.05 + 0.35 * torch.rand(n, 1, generator=g)
    phase = 2 * math.pi * torch.rand(n, 1, generator=g)
    t = torch.arange(length, dtype=torch.float32).unsqueeze(0)
    x = torch.sin(2 * math.pi * f * t + phase) + 0.3 * torch.randn(n, length, generator=g)
    y = (f - 0.225) / (0.35 / math.sqrt(12))
    x = x.unsqueeze(2)
    return TensorDataset(x[500:], y[500:]), TensorDataset(x[:500], y[:500])


_TRAIN, _VAL = _tensors()  # cached at import


class _Reader(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(1, 32, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def model() -> nn.Module:
    """A fresh LSTM (initialised from the current torch RNG)."""
    return _Reader()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = nn.MSELoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
