"""Breast-cancer diagnosis (scikit-learn's bundled ``load_breast_cancer``): logistic
regression, Adagrad, batch 16.

569 tumours, 30 features standardised with the training split's statistics; 455 for training
and 114 for validation (fixed split, the first 114 for validation). One linear layer to two
logits, cross-entropy; 12 epochs = 348 steps.
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
    train_x = x[114:]
    x = (x - train_x.mean(0)) / train_x.std(0)
    return TensorDataset(x[114:], y[114:]), TensorDataset(x[:114], y[:114])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh logistic regression (initialised from the current torch RNG)."""
    return nn.Linear(30, 2)


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=114)
criterion = nn.CrossEntropyLoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
