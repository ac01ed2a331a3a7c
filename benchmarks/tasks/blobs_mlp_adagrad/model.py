"""Five overlapping Gaussian blobs in 10 dimensions (scikit-learn's ``make_blobs``): an MLP,
Adagrad, batch 32.

4,000 points (cluster spread 3.0, ``random_state=4``), 3,200 for training and 800 for
validation (fixed split), a 10-64-64-5 ReLU MLP and cross-entropy; 6 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_blobs
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_blobs(
        n_samples=4000, n_features=10, centers=5, cluster_std=3.0, random_state=4
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 5)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
