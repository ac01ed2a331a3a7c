"""Marked recall with a diagonal linear recurrent network (an LRU-style state-space model),
Adam.

Each sequence has 24 steps of a random value in [-1, 1] and a marker channel that is 1 at one
step, drawn in the first half; the target is the marked value, read at the end of the sequence
(``numpy.random.RandomState(101)``; 3,200 sequences for training, 800 for validation). The
network: a per-step GELU MLP (2-32-32) into two diagonal linear recurrences ``h_t = a * h_{t-1}
+ u_t`` (32 channels, each decay ``a`` a learnt sigmoid, computed in parallel as a causal
convolution with kernel ``a^k``), a GELU mixing layer after each, and a linear read-out of the
last step; MSE. Adam; batch 64, 10 epochs = 500 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

LENGTH, WIDTH = 24, 32


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    rng = np.random.RandomState(101)
    n = 4000
    values = rng.uniform(-1, 1, (n, LENGTH))
    where = rng.randint(0, LENGTH // 2, n)
    marker = np.zeros((n, LENGTH))
    marker[np.arange(n), where] = 1.0
    x = torch.tensor(np.stack([values, marker], axis=2), dtype=torch.float32)
    y = torch.tensor(values[np.arange(n), where], dtype=torch.float32).unsqueeze(1)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import
_LAG = torch.arange(LENGTH).unsqueeze(1) - torch.arange(LENGTH).unsqueeze(0)  # t - k


class DiagonalRecurrence(nn.Module):
    """``h_t = a * h_{t-1} + u_t`` per channel, as ``h_t = sum_k a^(t-k) u_k`` (k <= t)."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.logit = nn.Parameter(torch.linspace(0.0, 4.0, width))  # decays 0.5 to 0.98

    def forward(self, u: torch.Tensor) -> torch.Tensor:  # (batch, time, width)
        log_a = nn.functional.logsigmoid(self.logit)  # (width,)
        lag = _LAG.to(u.device).unsqueeze(2)  # (time, time, 1)
        kernel = torch.where(lag >= 0, torch.exp(lag.clamp(min=0) * log_a), 0.0)
        return torch.einsum("tkc,bkc->btc", kernel, u)


class RecallNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encode = nn.Sequential(nn.Linear(2, WIDTH), nn.GELU(), nn.Linear(WIDTH, WIDTH))
        self.rec1, self.rec2 = DiagonalRecurrence(WIDTH), DiagonalRecurrence(WIDTH)
        self.mix1 = nn.Sequential(nn.Linear(WIDTH, WIDTH), nn.GELU())
        self.mix2 = nn.Sequential(nn.Linear(WIDTH, WIDTH), nn.GELU())
        self.head = nn.Linear(WIDTH, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.mix1(self.rec1(self.encode(x)))
        h = self.mix2(self.rec2(h))
        return self.head(h[:, -1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return RecallNet()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
