"""Friedman #3 regression (scikit-learn's ``make_friedman3``): a tanh MLP, plain SGD (no
momentum), Huber loss, batch 16.

2,500 samples (noise 0.1, ``random_state=3``), 2,000 for training and 500 for validation
(fixed split); features standardised on the training part, the target left as it is (an
angle in about 0-1.6 rad). A 4-32-32-1 tanh MLP and the Huber loss (delta 1); 6 epochs = 750
steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_friedman3
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_friedman3(n_samples=2500, noise=0.1, random_state=3)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    mean, std = x[500:].mean(0), x[500:].std(0)
    x = (x - mean) / std
    return TensorDataset(x[500:], y[500:]), TensorDataset(x[:500], y[:500])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh tanh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(4, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = nn.HuberLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr)
