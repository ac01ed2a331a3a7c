"""Wine cultivars (scikit-learn's bundled ``load_wine``): an MLP, RMSprop, batch 8.

178 samples of 13 features, 142 for training and 36 for validation (fixed split, seed 0;
features standardised on the training part), a 13-64-3 ReLU MLP with dropout 0.2 and
cross-entropy; 40 epochs = 720 steps (many passes over very little data).
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_wine
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data = load_wine()
    x = torch.tensor(data.data, dtype=torch.float32)
    y = torch.tensor(data.target, dtype=torch.long)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    x, y = x[perm], y[perm]
    mean, std = x[36:].mean(0), x[36:].std(0)
    x = (x - mean) / std
    return TensorDataset(x[36:], y[36:]), TensorDataset(x[:36], y[:36])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(13, 64), nn.ReLU(), nn.Dropout(0.2), nn.Linear(64, 3))


train_loader = DataLoader(_TRAIN, batch_size=8, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=36)
criterion = nn.CrossEntropyLoss()
epochs = 40


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
