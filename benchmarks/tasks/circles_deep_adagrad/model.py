"""Two noisy rings (scikit-learn's ``make_circles``): a deep, narrow tanh MLP, Adagrad,
batch 32.

3,000 points (noise 0.1, factor 0.5, ``random_state=41``), 2,400 for training and 600 for
validation (fixed split). A 2-16-16-16-16-16-2 MLP with tanh, cross-entropy; 8 epochs = 600
steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_circles
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_circles(n_samples=3000, noise=0.1, factor=0.5, random_state=41)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    return TensorDataset(x[600:], y[600:]), TensorDataset(x[:600], y[:600])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh deep MLP (initialised from the current torch RNG)."""
    layers: list[nn.Module] = [nn.Linear(2, 16), nn.Tanh()]
    for _ in range(4):
        layers += [nn.Linear(16, 16), nn.Tanh()]
    return nn.Sequential(*layers, nn.Linear(16, 2))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
