"""Breast-cancer diagnosis (scikit-learn's bundled ``load_breast_cancer``): an MLP, AdamW
(weight decay 0.01), batch 16.

569 samples of 30 features, 455 for training and 114 for validation (fixed split, seed 0;
features standardised on the training part), a 30-32-32-2 ReLU MLP and cross-entropy;
30 epochs = 870 steps (many passes over little data).
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
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    x, y = x[perm], y[perm]
    mean, std = x[114:].mean(0), x[114:].std(0)
    x = (x - mean) / std
    return TensorDataset(x[114:], y[114:]), TensorDataset(x[:114], y[:114])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 2)
    )


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=114)
criterion = nn.CrossEntropyLoss()
epochs = 30


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
