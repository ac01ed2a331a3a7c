"""Diabetes progression from degree-2 polynomial features: a linear model, SGD with momentum,
batch 16.

scikit-learn's ``load_diabetes`` (442 samples, 10 features); the 65 monomials of degree 1 and
2 (``PolynomialFeatures``, no bias), standardised on the training part, so that the squares
and products are strongly correlated with the features they are made of (an ill-conditioned
least-squares problem); the target standardised too. A fixed split (torch seed 53) of 352
for training and 90 for validation. One linear layer; mean squared error; SGD with momentum
0.9; 25 epochs = 550 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import PolynomialFeatures
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = load_diabetes(return_X_y=True)
    x = PolynomialFeatures(degree=2, include_bias=False).fit_transform(x)
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(53))
    x, y = x[order], y[order]
    x = (x - x[:352].mean(0)) / x[:352].std(0)
    y = (y - y[:352].mean()) / y[:352].std()
    return TensorDataset(x[:352], y[:352]), TensorDataset(x[352:], y[352:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh linear model (initialised from the current torch RNG)."""
    return nn.Linear(65, 1)


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=90)
criterion = nn.MSELoss()
epochs = 25


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
