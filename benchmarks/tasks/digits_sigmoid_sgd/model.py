"""Handwritten digits (scikit-learn's bundled ``load_digits``): a two-layer sigmoid MLP, SGD
with momentum, batch 64.

1,797 8×8 images as 64 pixels scaled to [0, 1]; a fixed shuffle (``random_state=47``), 360
for validation and 1,437 for training. A 64-64-64-10 MLP with sigmoid activations and no
normalisation, cross-entropy; SGD with momentum 0.9; 20 epochs = 460 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = load_digits(return_X_y=True)
    order = np.random.RandomState(47).permutation(len(y_np))
    x = torch.tensor(x_np[order] / 16.0, dtype=torch.float32)
    y = torch.tensor(y_np[order], dtype=torch.long)
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    layers: list[nn.Module] = [nn.Linear(64, 64), nn.Sigmoid()]
    layers += [nn.Linear(64, 64), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(64, 10))


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
