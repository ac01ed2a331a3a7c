"""Breast-cancer diagnosis (scikit-learn's bundled ``load_breast_cancer``): an MLP, RMSprop
with momentum (centred), batch 32.

569 samples with 30 features, standardised on the training split; a fixed split (torch seed
79), 455 for training and 114 for validation. One hidden layer of 64 (ReLU) and a
two-class read-out; cross-entropy; RMSprop (centred, momentum 0.9); 15 epochs = 225 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_breast_cancer
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data = load_breast_cancer()
    x = torch.tensor(data.data, dtype=torch.float32)
    y = torch.tensor(data.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(79))
    x, y = x[order], y[order]
    x = (x - x[:455].mean(0)) / x[:455].std(0)
    return TensorDataset(x[:455], y[:455]), TensorDataset(x[455:], y[455:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(30, 64), nn.ReLU(), nn.Linear(64, 2))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=114)
criterion = nn.CrossEntropyLoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr, momentum=0.9, centered=True)
