"""A noisy linear-plus-noise regression (scikit-learn's ``make_regression``): a three-layer
ReLU MLP, SGD with Nesterov momentum, batch 64.

4,000 samples with 30 features (15 informative, noise 10, ``random_state=11``); features and
target standardised on the training split; 3,200 for training and 800 for validation. Three
hidden layers of 128, Linear -> ReLU, no normalisation, and one output; mean squared error;
SGD with Nesterov momentum 0.9; 10 epochs.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_regression
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_regression(
        n_samples=4000, n_features=30, n_informative=15, noise=10.0, random_state=11
    )
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    x = (x - x[:3200].mean(0)) / x[:3200].std(0)
    y = (y - y[:3200].mean()) / y[:3200].std()
    return TensorDataset(x[:3200], y[:3200]), TensorDataset(x[3200:], y[3200:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(30, 128),
        nn.ReLU(),
        nn.Linear(128, 128),
        nn.ReLU(),
        nn.Linear(128, 128),
        nn.ReLU(),
        nn.Linear(128, 1),
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.MSELoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
