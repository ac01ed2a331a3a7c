"""Two concentric circles (scikit-learn's ``make_circles``): a deep sigmoid MLP, Adagrad,
batch 32.

2,000 points with noise 0.1 and factor 0.5 (``random_state=71``); 1,600 for training and
400 for validation (fixed split). A 2-32-32-32-32-2 MLP with sigmoid activations and no
normalisation, cross-entropy; plain Adagrad; 6 epochs = 300 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_circles
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_circles(n_samples=2000, noise=0.1, factor=0.5, random_state=71)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    return TensorDataset(x[:1600], y[:1600]), TensorDataset(x[1600:], y[1600:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    layers: list[nn.Module] = [nn.Linear(2, 32), nn.Sigmoid()]
    for _ in range(3):
        layers += [nn.Linear(32, 32), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(32, 2))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
