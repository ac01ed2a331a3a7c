"""The frequency of a noisy sine wave from 30 samples of it: a GRU, SGD with momentum, batch 32.

2,400 synthetic sequences (torch seed 41): a sine of frequency drawn uniformly from 0.5 to 3
cycles per 30 steps, a random phase and amplitude 0.5 to 1.5, plus Gaussian noise of 0.3; the
target is the frequency, standardised. 2,000 for training, 400 for validation. A one-layer
GRU of 32 over the scalar samples, a linear read-out of its last state; mean squared error;
SGD with momentum 0.9; 10 epochs.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_STEPS = 30


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(41)
    n = 2400
    freq = 0.5 + 2.5 * torch.rand(n, 1, generator=g)
    phase = 2 * math.pi * torch.rand(n, 1, generator=g)
    amp = 0.5 + torch.rand(n, 1, generator=g)
    t = torch.arange(_STEPS, dtype=torch.float32) / _STEPS
    x = amp * torch.sin(2 * math.pi * freq * t + phase) + 0.3 * torch.randn(n, _STEPS, generator=g)
    y = (freq - freq[:2000].mean()) / freq[:2000].std()
    x = x.unsqueeze(-1)
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


class FreqGRU(nn.Module):
    """A GRU over the samples; the last state read out to one number."""

    def __init__(self, hidden: int = 32) -> None:
        super().__init__()
        self.gru = nn.GRU(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.gru(x)
        return self.head(h[-1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return FreqGRU()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
