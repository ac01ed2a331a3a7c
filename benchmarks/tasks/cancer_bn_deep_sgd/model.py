"""Breast-cancer diagnosis with a deep BatchNorm MLP: SGD with momentum, batch 16.

scikit-learn's ``load_breast_cancer`` (569 samples, 30 features standardised on the
training part); a fixed split (torch seed 41) of 455 for training and 114 for validation.
Four hidden layers of 64 (Linear, BatchNorm1d, ReLU) and a linear read-out of two classes;
cross-entropy; SGD with momentum 0.9 and weight decay 5e-4; 20 epochs = 560 steps (the last
short batch of each epoch dropped).
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_breast_cancer
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = load_breast_cancer(return_X_y=True)
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.long)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(41))
    x, y = x[order], y[order]
    mean, std = x[:455].mean(0), x[:455].std(0)
    x = (x - mean) / std
    return TensorDataset(x[:455], y[:455]), TensorDataset(x[455:], y[455:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    layers: list[nn.Module] = []
    width = 30
    for _ in range(4):
        layers += [nn.Linear(width, 64), nn.BatchNorm1d(64), nn.ReLU()]
        width = 64
    return nn.Sequential(*layers, nn.Linear(width, 2))


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True, drop_last=True)
val_loader = DataLoader(_VAL, batch_size=114)
criterion = nn.CrossEntropyLoss()
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=5e-4)
