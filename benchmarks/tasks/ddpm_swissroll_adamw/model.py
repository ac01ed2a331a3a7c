"""A denoising diffusion model's training objective: an MLP with a sinusoidal time embedding
predicts the noise added to points of a 2-D swiss roll at one of 100 noise levels, AdamW.

2,500 points of scikit-learn's ``make_swiss_roll(noise=0.3, random_state=103)`` (its first
and third coordinates, scaled to unit variance); 2,000 for training and 500 for validation
(fixed split). Each point is noised at 4 fixed draws of a level ``t`` (linear beta schedule
1e-3 to 0.05 over 100 levels) and of Gaussian noise (``numpy.random.RandomState(103)``):
8,000 training and 2,000 validation examples. The network reads the noised point and a
16-dimensional sinusoidal embedding of ``t`` (SiLU MLP 18-128-128-2) and predicts the noise;
MSE. AdamW (weight decay 0.01); batch 128, 8 epochs = 504 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import make_swiss_roll
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

LEVELS = 100
EMBED = 16


def _noised(points: np.ndarray, rng: np.random.RandomState, draws: int) -> TensorDataset:
    alpha_bar = np.cumprod(1 - np.linspace(1e-3, 0.05, LEVELS))
    x0 = np.repeat(points, draws, axis=0)
    t = rng.randint(0, LEVELS, len(x0))
    eps = rng.standard_normal(x0.shape)
    a = alpha_bar[t][:, None]
    xt = np.sqrt(a) * x0 + np.sqrt(1 - a) * eps
    inputs = np.concatenate([xt, (t / LEVELS)[:, None]], axis=1)
    return TensorDataset(
        torch.tensor(inputs, dtype=torch.float32), torch.tensor(eps, dtype=torch.float32)
    )


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, _ = make_swiss_roll(n_samples=2500, noise=0.3, random_state=103)
    x = x[:, [0, 2]]
    x = (x - x.mean(0)) / x.std(0)
    rng = np.random.RandomState(103)
    return _noised(x[500:], rng, 4), _noised(x[:500], rng, 4)


_TRAIN, _VAL = _tensors()  # cached at import


class NoisePredictor(nn.Module):
    """An MLP on the noised point and a sinusoidal embedding of its noise level."""

    def __init__(self) -> None:
        super().__init__()
        freqs = torch.exp(torch.linspace(0.0, 6.0, EMBED // 2))
        self.register_buffer("freqs", freqs)
        self.net = nn.Sequential(
            nn.Linear(2 + EMBED, 128), nn.SiLU(), nn.Linear(128, 128), nn.SiLU(), nn.Linear(128, 2)
        )

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        point, level = inputs[:, :2], inputs[:, 2:3]
        angles = level * self.freqs
        return self.net(torch.cat([point, torch.sin(angles), torch.cos(angles)], dim=1))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return NoisePredictor()


train_loader = DataLoader(_TRAIN, batch_size=128, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=1000)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
