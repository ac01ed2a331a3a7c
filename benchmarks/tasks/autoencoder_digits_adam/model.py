"""Handwritten digits (scikit-learn's 8x8 ``load_digits``) reconstructed by an MLP
autoencoder, Adam, batch 32.

1,437 training / 360 validation images (fixed split, pixels scaled to [0, 1]), a
64-32-8-32-64 ReLU autoencoder with a sigmoid output and the mean squared reconstruction
error; 15 epochs = 675 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x = torch.tensor(load_digits().data, dtype=torch.float32) / 16.0
    x = x[torch.randperm(len(x), generator=torch.Generator().manual_seed(0))]
    return TensorDataset(x[360:], x[360:]), TensorDataset(x[:360], x[:360])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh autoencoder (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(64, 32),
        nn.ReLU(),
        nn.Linear(32, 8),
        nn.ReLU(),
        nn.Linear(8, 32),
        nn.ReLU(),
        nn.Linear(32, 64),
        nn.Sigmoid(),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.MSELoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
