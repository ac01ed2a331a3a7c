"""Breast-cancer diagnosis (scikit-learn's bundled ``load_breast_cancer``): a deep plain ReLU
MLP, SGD with momentum, batch 32.

569 samples with 30 features, shuffled with a fixed generator and standardised on the training
split; 455 for training and 114 for validation. Six hidden layers of 64, Linear -> ReLU, no
normalisation, and a two-class read-out; cross-entropy; SGD with momentum 0.9; 16 epochs.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_breast_cancer
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = load_breast_cancer(return_X_y=True)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(3))
    x = torch.tensor(x, dtype=torch.float32)[order]
    y = torch.tensor(y, dtype=torch.long)[order]
    x = (x - x[:455].mean(0)) / x[:455].std(0)
    return TensorDataset(x[:455], y[:455]), TensorDataset(x[455:], y[455:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    layers: list[nn.Module] = []
    width = 30
    for _ in range(6):
        layers += [nn.Linear(width, 64), nn.ReLU()]
        width = 64
    return nn.Sequential(*layers, nn.Linear(64, 2))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=114)
criterion = nn.CrossEntropyLoss()
epochs = 16


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
