"""Point clouds classified by shape: a permutation-invariant DeepSets network, NAdam.

Synthetic, deterministic data (a generator seeded with 53): 3,000 sets of 24 points in the
plane, each drawn from one of four shapes (a circle, a square's outline, two blobs, a line
segment), randomly rotated and scaled (0.6-1.4) and shifted, with Gaussian jitter of 0.08;
2,400 sets for training and 600 for validation. The model is DeepSets (Zaheer et al. 2017):
each point, less its set's centroid, through the same MLP (2-64-64, ReLU), the set's
mean, then a 64-64-4 MLP;
cross-entropy. NAdam; batch 32, 8 epochs = 600 steps.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

SETS, POINTS, SHAPES = 3000, 24, 4


def _shape(kind: int, g: torch.Generator) -> torch.Tensor:
    t = torch.rand(POINTS, generator=g)
    if kind == 0:  # a circle
        angle = 2 * math.pi * t
        return torch.stack([angle.cos(), angle.sin()], 1)
    if kind == 1:  # a square's outline
        side = torch.randint(0, 4, (POINTS,), generator=g)
        along = 2 * t - 1
        x = torch.where(side < 2, along, torch.where(side == 2, -1.0, 1.0))
        y = torch.where(side < 2, torch.where(side == 0, -1.0, 1.0), along)
        return torch.stack([x, y], 1)
    if kind == 2:  # two blobs
        centre = torch.where(t[:, None] < 0.5, torch.tensor([-0.8, 0.0]), torch.tensor([0.8, 0.0]))
        return centre + 0.25 * torch.randn(POINTS, 2, generator=g)
    return torch.stack([2 * t - 1, torch.zeros(POINTS)], 1)  # a line segment


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(53)
    labels = torch.randint(0, SHAPES, (SETS,), generator=g)
    clouds = []
    for kind in labels.tolist():
        points = _shape(kind, g)
        angle = 2 * math.pi * torch.rand((), generator=g)
        rotation = torch.stack(
            [torch.stack([angle.cos(), -angle.sin()]), torch.stack([angle.sin(), angle.cos()])]
        )
        scale = 0.6 + 0.8 * torch.rand((), generator=g)
        shift = 0.5 * torch.randn(2, generator=g)
        clouds.append(
            scale * points @ rotation.T + shift + 0.08 * torch.randn(POINTS, 2, generator=g)
        )
    x = torch.stack(clouds)
    return TensorDataset(x[:2400], labels[:2400]), TensorDataset(x[2400:], labels[2400:])


_TRAIN, _VAL = _tensors()  # cached at import


class _DeepSets(nn.Module):
    def __init__(self, width: int = 64) -> None:
        super().__init__()
        self.point = nn.Sequential(
            nn.Linear(2, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU()
        )
        self.head = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, SHAPES))

    def forward(self, clouds: torch.Tensor) -> torch.Tensor:
        centred = clouds - clouds.mean(1, keepdim=True)  # invariant to the shift
        return self.head(self.point(centred).mean(1))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _DeepSets()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=300)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.NAdam(params, lr=lr)
