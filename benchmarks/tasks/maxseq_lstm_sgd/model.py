"""The largest of 20 noisy numbers: an LSTM, SGD with momentum, batch 16.

2,400 synthetic sequences (torch seed 73) of 20 values drawn uniformly from -1 to 1; the
target is the largest of them, standardised. 2,000 for training, 400 for validation. A
one-layer LSTM of 24 over the scalar values and a linear read-out of its last state; mean
squared error; SGD with momentum 0.9; 5 epochs = 625 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(73)
    x = 2 * torch.rand(2400, 20, 1, generator=g) - 1
    y = x.amax(dim=(1, 2)).unsqueeze(-1)
    y = (y - y[:2000].mean()) / y[:2000].std()
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


class MaxLSTM(nn.Module):
    """An LSTM over the values; the last state read out to one number."""

    def __init__(self, hidden: int = 24) -> None:
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.lstm(x)
        return self.head(states[:, -1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return MaxLSTM()


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 5


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
