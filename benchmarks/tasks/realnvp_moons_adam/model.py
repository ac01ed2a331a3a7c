"""Density estimation with a normalising flow: a RealNVP of four affine coupling layers fits
scikit-learn's two moons by maximum likelihood, Adam.

5,000 points of ``make_moons(noise=0.08, random_state=101)``, standardised; 4,000 for training
and 1,000 for validation (fixed split). Each coupling layer rescales and shifts one coordinate
by an MLP (1-64-64-2, tanh-bounded log-scale) of the other, alternating; the base density is a
standard normal. The network returns each point's negative log-likelihood, and the criterion
averages it (the target is unused). Adam; batch 64, 10 epochs = 630 steps.
"""

from __future__ import annotations

import math

import torch
from sklearn.datasets import make_moons
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, _ = make_moons(n_samples=5000, noise=0.08, random_state=101)
    x = (x - x.mean(0)) / x.std(0)
    xt = torch.tensor(x, dtype=torch.float32)
    zeros = torch.zeros(len(xt))
    return TensorDataset(xt[1000:], zeros[1000:]), TensorDataset(xt[:1000], zeros[:1000])


_TRAIN, _VAL = _tensors()  # cached at import


class Coupling(nn.Module):
    """Rescale and shift coordinate ``1 - keep`` by a function of coordinate ``keep``."""

    def __init__(self, keep: int) -> None:
        super().__init__()
        self.keep = keep
        self.net = nn.Sequential(nn.Linear(1, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU())
        self.out = nn.Linear(64, 2)
        nn.init.zeros_(self.out.weight)  # starts as the identity map
        nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        kept, moved = x[:, self.keep : self.keep + 1], x[:, 1 - self.keep : 2 - self.keep]
        log_scale, shift = self.out(self.net(kept)).chunk(2, dim=1)
        log_scale = torch.tanh(log_scale)
        moved = moved * torch.exp(log_scale) + shift
        parts = (kept, moved) if self.keep == 0 else (moved, kept)
        return torch.cat(parts, dim=1), log_scale.squeeze(1)


class RealNVP(nn.Module):
    """Four alternating coupling layers onto a standard normal; returns each point's NLL."""

    def __init__(self) -> None:
        super().__init__()
        self.layers = nn.ModuleList(Coupling(i % 2) for i in range(4))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        log_det = torch.zeros(len(x), device=x.device)
        for layer in self.layers:
            x, log_scale = layer(x)
            log_det = log_det + log_scale
        log_base = -0.5 * (x**2).sum(1) - math.log(2 * math.pi)
        return -(log_base + log_det)


class MeanNLL(nn.Module):
    """The mean of the network's per-point negative log-likelihoods (the target is unused)."""

    def forward(self, nll: torch.Tensor, _target: torch.Tensor) -> torch.Tensor:
        return nll.mean()


def model() -> nn.Module:
    """A fresh flow (initialised from the current torch RNG)."""
    return RealNVP()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = MeanNLL()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
