"""Four nested Gaussian shells (scikit-learn's ``make_gaussian_quantiles``): a tanh MLP,
plain RMSprop, batch 64.

4,000 samples in 8 dimensions, four classes by distance from the centre
(``random_state=5``); 3,200 for training and 800 for validation. Two hidden layers of 128,
Linear -> tanh, and a four-class read-out; cross-entropy; RMSprop (alpha 0.99, no momentum);
12 epochs.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_gaussian_quantiles
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_gaussian_quantiles(n_samples=4000, n_features=8, n_classes=4, random_state=5)
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.long)
    return TensorDataset(x[:3200], y[:3200]), TensorDataset(x[3200:], y[3200:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(8, 128),
        nn.Tanh(),
        nn.Linear(128, 128),
        nn.Tanh(),
        nn.Linear(128, 4),
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.CrossEntropyLoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
