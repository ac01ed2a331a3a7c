"""Handwritten digits (scikit-learn's bundled ``load_digits``): multinomial logistic
regression, RMSprop, batch 64.

1,797 8x8 images scaled to [0, 1] and flattened, 1,437 for training and 360 for validation
(fixed split, the first 360 for validation). One linear layer over the 64 pixels;
cross-entropy; RMSprop (alpha 0.99); 8 epochs = 184 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh model (initialised from the current torch RNG)."""
    return nn.Linear(64, 10)


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr, alpha=0.99)
