"""Two interleaved half-moons (scikit-learn's ``make_moons``): a deep sigmoid MLP, RMSprop,
batch 50.

2,500 points with noise 0.2 (``random_state=59``); 2,000 for training and 500 for
validation (fixed split). A 2-32-32-32-32-32-2 MLP with sigmoid activations and no
normalisation, cross-entropy; plain RMSprop; 8 epochs = 320 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_moons
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_moons(n_samples=2500, noise=0.2, random_state=59)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    layers: list[nn.Module] = [nn.Linear(2, 32), nn.Sigmoid()]
    for _ in range(4):
        layers += [nn.Linear(32, 32), nn.Sigmoid()]
    return nn.Sequential(*layers, nn.Linear(32, 2))


train_loader = DataLoader(_TRAIN, batch_size=50, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
