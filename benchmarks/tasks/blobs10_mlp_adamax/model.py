"""Ten overlapping Gaussian blobs in 16 dimensions (scikit-learn's ``make_blobs``): a GELU
MLP, Adamax, batch 32.

``make_blobs(2400, n_features=16, centers=10, cluster_std=3.0, random_state=71)``,
standardised on the training split; a fixed split, 2,000 for training and 400 for
validation. Two hidden layers of 64 (GELU) and a linear read-out; cross-entropy; Adamax;
10 epochs = 630 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_blobs
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_blobs(2400, n_features=16, centers=10, cluster_std=3.0, random_state=71)
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.long)
    x = (x - x[:2000].mean(0)) / x[:2000].std(0)
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(16, 64), nn.GELU(), nn.Linear(64, 64), nn.GELU(), nn.Linear(64, 10)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adamax(params, lr=lr)
