"""Five-class classification of scikit-learn's ``make_classification`` data: an MLP with
dropout, Adam, batch 64.

``make_classification(3000, n_features=30, n_informative=12, n_redundant=6, n_classes=5,
class_sep=1.0, flip_y=0.02, random_state=41)``, standardised on the training split; a fixed
split, 2,400 for training and 600 for validation. Two hidden layers of 128 (ReLU, dropout
0.1) and a linear read-out; cross-entropy; Adam; 15 epochs = 570 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_classification(
        3000,
        n_features=30,
        n_informative=12,
        n_redundant=6,
        n_classes=5,
        class_sep=1.0,
        flip_y=0.02,
        random_state=41,
    )
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.long)
    mean, std = x[:2400].mean(0), x[:2400].std(0)
    x = (x - mean) / std
    return TensorDataset(x[:2400], y[:2400]), TensorDataset(x[2400:], y[2400:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(30, 128),
        nn.ReLU(),
        nn.Dropout(0.1),
        nn.Linear(128, 128),
        nn.ReLU(),
        nn.Dropout(0.1),
        nn.Linear(128, 5),
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.CrossEntropyLoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
