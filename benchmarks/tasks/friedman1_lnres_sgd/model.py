"""Friedman's first regression problem (scikit-learn's ``make_friedman1``): a residual MLP
with LayerNorm, SGD with Nesterov momentum and weight decay, batch 64.

4,000 points with 10 features (5 informative, noise 1.0, ``random_state=21``), target
standardised on the training split; 3,200 for training and 800 for validation. An input
layer of 64, two pre-norm residual blocks (LayerNorm -> Linear -> GELU -> Linear), a final
LayerNorm and one output; mean squared error; SGD with Nesterov momentum 0.9 and weight decay
1e-4; 10 epochs = 500 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_friedman1
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_friedman1(n_samples=4000, n_features=10, noise=1.0, random_state=21)
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    y = (y - y[:3200].mean()) / y[:3200].std()
    return TensorDataset(x[:3200], y[:3200]), TensorDataset(x[3200:], y[3200:])


_TRAIN, _VAL = _tensors()  # cached at import


class _Block(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.LayerNorm(width), nn.Linear(width, width), nn.GELU(), nn.Linear(width, width)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def model() -> nn.Module:
    """A fresh residual MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(10, 64), _Block(64), _Block(64), nn.LayerNorm(64), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.MSELoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True, weight_decay=1e-4)
