"""Two noisy interleaved half-moons (scikit-learn's ``make_moons``): a tanh MLP, plain SGD
without momentum, batch 16.

``make_moons(1200, noise=0.3, random_state=73)``; a fixed split, 1,000 for training and
200 for validation. Two hidden layers of 32 (tanh) and a one-logit read-out;
binary cross-entropy on the logit; SGD (no momentum); 20 epochs = 1,260 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_moons
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_moons(1200, noise=0.3, random_state=73)
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    return TensorDataset(x[:1000], y[:1000]), TensorDataset(x[1000:], y[1000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=200)
criterion = nn.BCEWithLogitsLoss()
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr)
