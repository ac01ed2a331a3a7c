"""Diabetes progression with a Huber loss: a residual MLP, plain SGD, batch 16.

scikit-learn's bundled ``load_diabetes`` (442 patients, 10 features, a disease-progression
score): a fixed split (a permutation with seed 11) of 352 for training and 90 for
validation; features and target standardised with the training split's statistics. A linear
layer to 64, two residual blocks (``x + Linear(SiLU(Linear(x)))``, width 64) and a linear
output; the Huber loss (delta 1.0, on the standardised target), robust to the outlying
scores; SGD without momentum; 30 epochs = 660 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_diabetes
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = load_diabetes(return_X_y=True)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(11))
    x = torch.tensor(x, dtype=torch.float32)[order]
    y = torch.tensor(y, dtype=torch.float32)[order].unsqueeze(1)
    xm, xs, ym, ys = x[:352].mean(0), x[:352].std(0), y[:352].mean(), y[:352].std()
    x, y = (x - xm) / xs, (y - ym) / ys
    return TensorDataset(x[:352], y[:352]), TensorDataset(x[352:], y[352:])


_TRAIN, _VAL = _tensors()  # cached at import


class _Residual(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.inner = nn.Sequential(nn.Linear(width, width), nn.SiLU(), nn.Linear(width, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.inner(x)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(10, 64), _Residual(64), _Residual(64), nn.Linear(64, 1))


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=90)
criterion = nn.HuberLoss(delta=1.0)
epochs = 30


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr)
