"""Forecasting synthetic series: an N-BEATS-style stack of MLP blocks, AdamW.

Synthetic, deterministic data (a generator seeded with 67): 3,000 windows, each 48 past values
and the 12 that follow, from series that sum a linear trend, two sinusoids with random
periods (6-30 steps), amplitudes and phases, and Gaussian noise of 0.1. The model follows
N-BEATS (Oreshkin et al. 2020): three blocks, each an MLP (48-64-64, ReLU) with a linear
backcast (64-48) and forecast (64-12); each block reads what the blocks before it did not
explain (its input less their backcasts), and the forecast is the blocks' sum. Mean squared
error on the 12 values; 2,400 windows for training, 600 for validation. AdamW (weight decay
0.01); batch 32, 8 epochs = 600 steps.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

PAST, AHEAD, WINDOWS = 48, 12, 3000


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(67)
    t = torch.arange(PAST + AHEAD, dtype=torch.float32)
    slope = 0.02 * torch.randn(WINDOWS, 1, generator=g)
    level = torch.randn(WINDOWS, 1, generator=g)
    series = level + slope * t
    for _ in range(2):
        period = 6 + 24 * torch.rand(WINDOWS, 1, generator=g)
        amplitude = 0.5 + torch.rand(WINDOWS, 1, generator=g)
        phase = 2 * math.pi * torch.rand(WINDOWS, 1, generator=g)
        series = series + amplitude * torch.sin(2 * math.pi * t / period + phase)
    series = series + 0.1 * torch.randn(WINDOWS, PAST + AHEAD, generator=g)
    x, y = series[:, :PAST], series[:, PAST:]
    return TensorDataset(x[:2400], y[:2400]), TensorDataset(x[2400:], y[2400:])


_TRAIN, _VAL = _tensors()  # cached at import


class _Block(nn.Module):
    def __init__(self, width: int = 64) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(PAST, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU()
        )
        self.backcast = nn.Linear(width, PAST)
        self.forecast = nn.Linear(width, AHEAD)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        hidden = self.body(x)
        return self.backcast(hidden), self.forecast(hidden)


class _NBeats(nn.Module):
    def __init__(self, blocks: int = 3) -> None:
        super().__init__()
        self.blocks = nn.ModuleList(_Block() for _ in range(blocks))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        residual, forecast = x, 0.0
        for block in self.blocks:
            backcast, ahead = block(residual)
            residual = residual - backcast
            forecast = forecast + ahead
        return forecast


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _NBeats()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=300)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
