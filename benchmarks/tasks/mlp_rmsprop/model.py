"""A synthetic five-class problem (scikit-learn's ``make_classification``): an MLP,
RMSprop, batch 64.

3,000 samples of 40 features (20 informative, 10 redundant, 5% of labels flipped;
``random_state=0``), 2,400 for training and 600 for validation (fixed split,
standardised), a 40-128-128-5 ReLU MLP and cross-entropy; torch's RMSprop with its
defaults (α 0.99, no momentum); 12 epochs = 456 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_classification(
        n_samples=3000,
        n_features=40,
        n_informative=20,
        n_redundant=10,
        n_classes=5,
        flip_y=0.05,
        random_state=0,
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    mx, sx = x[600:].mean(0), x[600:].std(0)
    x = (x - mx) / sx
    return TensorDataset(x[600:], y[600:]), TensorDataset(x[:600], y[:600])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(40, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 5)
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.CrossEntropyLoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
