"""A linear-plus-noise regression in 30 dimensions (scikit-learn's ``make_regression``): a GELU
MLP with LayerNorm, Adam, batch 32.

3,000 points (12 informative features, noise 20, ``random_state=9``), the target scaled to
unit variance; 2,400 for training and 600 for validation (fixed split). A 30-128-128-1 MLP,
each hidden layer followed by LayerNorm and GELU, mean squared error; 8 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_regression
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_regression(
        n_samples=3000, n_features=30, n_informative=12, noise=20.0, random_state=9
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32).unsqueeze(1)
    y = y / y.std()
    return TensorDataset(x[600:], y[600:]), TensorDataset(x[:600], y[:600])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(30, 128),
        nn.LayerNorm(128),
        nn.GELU(),
        nn.Linear(128, 128),
        nn.LayerNorm(128),
        nn.GELU(),
        nn.Linear(128, 1),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
