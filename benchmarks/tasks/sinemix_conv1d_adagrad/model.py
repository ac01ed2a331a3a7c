"""The amplitude of a hidden sine in a noisy mixture: a 1-D CNN regressor, Adagrad,
batch 32.

Synthetic sequences of 64 samples (torch seed 47): a sine of random frequency (2-6 cycles)
and amplitude (0.2-1.5, the target, standardised), plus a second sine of fixed frequency 9
and random amplitude, a linear trend and Gaussian noise (0.5); 2,400 sequences, a fixed
split of 2,000 for training and 400 for validation. Three convolutions (kernel 5, 16-32-32
channels, ReLU, stride 2 on the last two), global average pooling and a linear read-out;
mean squared error; Adagrad; 12 epochs = 756 steps.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_N, _LENGTH = 2400, 64


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(47)
    t = torch.linspace(0, 1, _LENGTH)
    freq = 2 + 4 * torch.rand(_N, 1, generator=g)
    amp = 0.2 + 1.3 * torch.rand(_N, 1, generator=g)
    phase = 2 * math.pi * torch.rand(_N, 1, generator=g)
    other = torch.rand(_N, 1, generator=g) * torch.sin(2 * math.pi * 9 * t + 1.0)
    trend = (torch.rand(_N, 1, generator=g) - 0.5) * t
    noise = 0.5 * torch.randn(_N, _LENGTH, generator=g)
    x = (amp * torch.sin(2 * math.pi * freq * t + phase) + other + trend + noise).unsqueeze(1)
    y = (amp - amp.mean()) / amp.std()
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Conv1d(1, 16, 5, padding=2),
        nn.ReLU(),
        nn.Conv1d(16, 32, 5, stride=2, padding=2),
        nn.ReLU(),
        nn.Conv1d(32, 32, 5, stride=2, padding=2),
        nn.ReLU(),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Linear(32, 1),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
