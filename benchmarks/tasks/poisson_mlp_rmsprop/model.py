"""Counts from a random teacher: an MLP regressing a Poisson rate, RMSprop, batch 32.

Synthetic (torch seed 61): 3,600 points of 8 standard normal features; the log-rate is a
fixed random two-layer tanh network's output, scaled and shifted so that the rates run from
about 0.2 to 30; the targets are Poisson draws from those rates. A fixed split of 3,000 for
training and 600 for validation. Two hidden layers of 64 (ReLU) and a linear read-out of the
log-rate; the Poisson negative log-likelihood with its Stirling term (``PoissonNLLLoss``,
``log_input=True, full=True``); RMSprop; 8 epochs = 752 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_N = 3600


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(61)
    x = torch.randn(_N, 8, generator=g)
    hidden = torch.tanh(x @ torch.randn(8, 16, generator=g) / 8**0.5)
    score = hidden @ torch.randn(16, 1, generator=g)
    log_rate = 1.0 + 1.2 * (score - score.mean()) / score.std()
    y = torch.poisson(log_rate.exp(), generator=g)
    return TensorDataset(x[:3000], y[:3000]), TensorDataset(x[3000:], y[3000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.PoissonNLLLoss(log_input=True, full=True)
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
