"""A weight-normalised MLP on a six-class problem (scikit-learn's ``make_classification``),
RMSprop.

4,000 points (20 features, 10 informative, 6 classes, 2 clusters per class, 5% of the
labels flipped, ``random_state=89``), 3,200 for training and 800 for validation (fixed
split). An MLP 20-96-96-6 with ReLU whose linear layers are weight-normalised (Salimans &
Kingma 2016: each weight row is a learnt length times a unit direction, torch's
``weight_norm`` parametrization); cross-entropy. RMSprop; batch 32, 6 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_classification
from torch import nn
from torch.nn.utils.parametrizations import weight_norm
from torch.utils.data import DataLoader, TensorDataset

FEATURES, CLASSES = 20, 6


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_classification(
        n_samples=4000,
        n_features=FEATURES,
        n_informative=10,
        n_classes=CLASSES,
        n_clusters_per_class=2,
        flip_y=0.05,
        random_state=89,
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.int64)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    width = 96
    return nn.Sequential(
        weight_norm(nn.Linear(FEATURES, width)),
        nn.ReLU(),
        weight_norm(nn.Linear(width, width)),
        nn.ReLU(),
        weight_norm(nn.Linear(width, CLASSES)),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
