"""Handwritten digits (scikit-learn's bundled ``load_digits``) reconstructed through a narrow
code: an MLP autoencoder, SGD with Nesterov momentum, batch 32.

1,797 images of 8×8 pixels scaled to [0, 1]; a fixed split (torch seed 31), 1,437 for
training and 360 for validation. Encoder 64 -> 32 -> 8 and decoder 8 -> 32 -> 64 (ReLU
between, a linear output); mean squared error of the reconstruction; SGD with Nesterov
momentum 0.9; 15 epochs.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x = torch.tensor(load_digits().data, dtype=torch.float32) / 16
    x = x[torch.randperm(len(x), generator=torch.Generator().manual_seed(31))]
    return TensorDataset(x[:1437], x[:1437]), TensorDataset(x[1437:], x[1437:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(64, 32),
        nn.ReLU(),
        nn.Linear(32, 8),
        nn.ReLU(),
        nn.Linear(8, 32),
        nn.ReLU(),
        nn.Linear(32, 64),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.MSELoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
