"""Hastie et al.'s binary problem (scikit-learn's ``make_hastie_10_2``): a four-layer tanh
MLP, RMSprop, batch 100.

4,000 points with 10 Gaussian features, labelled by whether their squared norm exceeds the
chi-squared median (``random_state=37``); 3,200 for training and 800 for validation (fixed
split). A 10-64-64-64-64-1 MLP with tanh, one logit, binary cross-entropy; plain RMSprop;
10 epochs = 320 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_hastie_10_2
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_hastie_10_2(n_samples=4000, random_state=37)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor((y_np > 0).astype("float32")).unsqueeze(1)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    layers: list[nn.Module] = [nn.Linear(10, 64), nn.Tanh()]
    for _ in range(3):
        layers += [nn.Linear(64, 64), nn.Tanh()]
    return nn.Sequential(*layers, nn.Linear(64, 1))


train_loader = DataLoader(_TRAIN, batch_size=100, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.BCEWithLogitsLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
