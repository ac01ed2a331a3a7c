"""A sine-activation network (SIREN) fitting a synthetic 2-D image: Adam, batch 64.

Synthetic (torch seed 67): 4,000 points drawn uniformly from [-1, 1]²; the target is a fixed
"image", a sum of eight random plane waves (frequencies 1-6 per unit, random directions and
phases) passed through tanh, plus Gaussian noise (σ 0.05). A fixed split of 3,200 for
training and 800 for validation. Three hidden layers of 64 with sine activations (the first
layer's pre-activation scaled by ω₀ = 10, the others by 1; SIREN's uniform initialisation)
and a linear read-out; mean squared error; Adam; 10 epochs = 500 steps.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_N = 4000
_OMEGA = 10.0


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(67)
    x = torch.rand(_N, 2, generator=g) * 2 - 1
    angle = torch.rand(8, generator=g) * 2 * math.pi
    freq = 1 + 5 * torch.rand(8, generator=g)
    phase = torch.rand(8, generator=g) * 2 * math.pi
    k = torch.stack([torch.cos(angle), torch.sin(angle)], 1) * freq[:, None]
    image = torch.tanh(torch.sin(x @ k.T + phase).sum(1, keepdim=True) / 2)
    y = image + 0.05 * torch.randn(_N, 1, generator=g)
    return TensorDataset(x[:3200], y[:3200]), TensorDataset(x[3200:], y[3200:])


_TRAIN, _VAL = _tensors()  # cached at import


class _Sine(nn.Module):
    """A linear layer followed by sin(ω · x), initialised as SIREN prescribes."""

    def __init__(self, n_in: int, n_out: int, omega: float, first: bool) -> None:
        super().__init__()
        self.omega = omega
        self.linear = nn.Linear(n_in, n_out)
        bound = 1 / n_in if first else math.sqrt(6 / n_in) / omega
        with torch.no_grad():
            self.linear.weight.uniform_(-bound, bound)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sin(self.omega * self.linear(x))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        _Sine(2, 64, _OMEGA, True),
        _Sine(64, 64, 1.0, False),
        _Sine(64, 64, 1.0, False),
        nn.Linear(64, 1),
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.MSELoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
