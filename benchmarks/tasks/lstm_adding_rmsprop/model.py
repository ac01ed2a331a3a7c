"""The adding problem (Hochreiter & Schmidhuber 1997): an LSTM, RMSprop.

Each sequence has 30 steps of (a uniform value, a marker); the target is the sum of the
two marked values. 2,000 training / 500 validation sequences (fixed), MSE loss, batch 50,
15 epochs = 600 steps. Predicting the mean gives MSE ≈ 0.17; solving it gives ≈ 0.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_LEN = 30


def _sample(n: int, g: torch.Generator) -> TensorDataset:
    values = torch.rand(n, _LEN, generator=g)
    markers = torch.zeros(n, _LEN)
    first = torch.randint(0, _LEN // 2, (n,), generator=g)
    second = torch.randint(_LEN // 2, _LEN, (n,), generator=g)
    rows = torch.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=2)
    y = (values * markers).sum(1, keepdim=True)
    return TensorDataset(x, y)


_G = torch.Generator().manual_seed(0)
_TRAIN, _VAL = _sample(2000, _G), _sample(500, _G)  # cached at import


class AddingLSTM(nn.Module):
    """One LSTM layer of 32 units; the last hidden state is read out linearly."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(2, 32, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.lstm(x)
        return self.head(out[:, -1])


def model() -> nn.Module:
    """A fresh LSTM (initialised from the current torch RNG)."""
    return AddingLSTM()


train_loader = DataLoader(_TRAIN, batch_size=50, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = nn.MSELoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
