"""Concentric circles with a radial-basis-function network: learnable centres, SGD.

scikit-learn's ``make_circles`` (1,200 points, noise 0.12, factor 0.45, random_state 5),
lifted to 4 dimensions by two fixed random projections of the coordinates (a generator
seeded with 5) so the centres must be placed in a larger space; 960 for training, 240 for
validation. 32 Gaussian units ``exp(-||x - c_k||^2 / (2 s_k^2))`` with learnable centres
``c_k`` and log-widths, then a linear layer to 2 classes; cross-entropy. SGD with momentum
0.9; batch 32, 20 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_circles
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_circles(n_samples=1200, noise=0.12, factor=0.45, random_state=5)
    x = torch.tensor(x, dtype=torch.float32)
    g = torch.Generator().manual_seed(5)
    x = torch.cat([x, x @ torch.randn(2, 2, generator=g)], dim=1)
    y = torch.tensor(y, dtype=torch.long)
    return TensorDataset(x[:960], y[:960]), TensorDataset(x[960:], y[960:])


_TRAIN, _VAL = _tensors()  # cached at import


class _RBF(nn.Module):
    def __init__(self, dim: int, units: int) -> None:
        super().__init__()
        self.centres = nn.Parameter(torch.randn(units, dim))
        self.log_width = nn.Parameter(torch.zeros(units))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dist = torch.cdist(x, self.centres) ** 2
        return torch.exp(-dist / (2 * torch.exp(2 * self.log_width)))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(_RBF(4, 32), nn.Linear(32, 2))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=240)
criterion = nn.CrossEntropyLoss()
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
