"""A 4-class ``make_classification`` problem: a sigmoid MLP, SGD with momentum, batch 64.

3,000 points in 20 features, 10 of them informative, 4 classes (``random_state=61``);
2,400 for training and 600 for validation (fixed split). A 20-64-64-64-4 MLP with sigmoid
activations and no normalisation, cross-entropy; SGD with momentum 0.9; 10 epochs = 380 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_classification(
        n_samples=3000, n_features=20, n_informative=10, n_classes=4, random_state=61
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    return TensorDataset(x[:2400], y[:2400]), TensorDataset(x[2400:], y[2400:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(20, 64),
        nn.Sigmoid(),
        nn.Linear(64, 64),
        nn.Sigmoid(),
        nn.Linear(64, 64),
        nn.Sigmoid(),
        nn.Linear(64, 4),
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
