"""Hastie et al.'s 10-dimensional binary problem (scikit-learn's ``make_hastie_10_2``): an
MLP, Adagrad, batch 64.

4,000 points (``random_state=10``): the label says whether the sum of squares of 10
standard normal features exceeds 9.34; 3,200 for training and 800 for validation (fixed
split). A 10-64-64-2 ReLU MLP and cross-entropy; 10 epochs = 500 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_hastie_10_2
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_hastie_10_2(n_samples=4000, random_state=10)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np > 0, dtype=torch.long)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2)
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
