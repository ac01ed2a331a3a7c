"""A stream drawn at random, one pass: a student MLP learns a fixed random teacher, Adagrad.

The training set is 96,000 inputs labelled by a random two-layer teacher network (plus
noise σ 0.1), of which every batch draws 32 at random with replacement: 3,000 steps, one
"epoch", no sample repeated on purpose, the iteration basis (as GraphCast trains).
1,000 validation samples (fixed). MSE loss.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

_N, _D = 96_000, 16


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(0)
    w1 = torch.randn(_D, 32, generator=g) / _D**0.5
    w2 = torch.randn(32, 1, generator=g) / 32**0.5

    def sample(n: int) -> TensorDataset:
        x = torch.randn(n, _D, generator=g)
        y = torch.tanh(x @ w1) @ w2 * 2 + 0.1 * torch.randn(n, 1, generator=g)
        return TensorDataset(x, y)

    return sample(_N), sample(1000)


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(_D, 64), nn.ReLU(), nn.Linear(64, 1))


train_loader = DataLoader(
    _TRAIN, batch_size=32, sampler=RandomSampler(_TRAIN, replacement=True, num_samples=_N)
)
val_loader = DataLoader(_VAL, batch_size=1000)
criterion = nn.MSELoss()
epochs = 1


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
