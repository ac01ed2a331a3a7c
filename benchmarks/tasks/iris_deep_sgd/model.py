"""Iris species (scikit-learn's bundled ``load_iris``): a deep narrow ReLU MLP, SGD with
Nesterov momentum, batch 8.

150 samples with 4 features, standardised on the training split; a fixed split (torch seed
89), 120 for training and 30 for validation. Four hidden layers of 16 (ReLU) and a
three-class read-out; cross-entropy; SGD (momentum 0.9, Nesterov); 20 epochs = 300 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_iris
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data = load_iris()
    x = torch.tensor(data.data, dtype=torch.float32)
    y = torch.tensor(data.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(89))
    x, y = x[order], y[order]
    x = (x - x[:120].mean(0)) / x[:120].std(0)
    return TensorDataset(x[:120], y[:120]), TensorDataset(x[120:], y[120:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    layers: list[nn.Module] = []
    width = 4
    for _ in range(4):
        layers += [nn.Linear(width, 16), nn.ReLU()]
        width = 16
    return nn.Sequential(*layers, nn.Linear(width, 3))


train_loader = DataLoader(_TRAIN, batch_size=8, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=30)
criterion = nn.CrossEntropyLoss()
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
