"""Nested shells (scikit-learn's ``make_gaussian_quantiles``): which of four concentric
shells of an 8-D Gaussian a point lies in, a residual MLP with BatchNorm, AdamW with weight
decay 0.01, batch 64.

4,000 points (``random_state=23``), 3,200 for training and 800 for validation (fixed split).
A 8-64 input layer, two residual blocks (Linear-BatchNorm-ReLU-Linear, added back), a 64-4
read-out; cross-entropy; 10 epochs = 500 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_gaussian_quantiles
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_gaussian_quantiles(n_samples=4000, n_features=8, n_classes=4, random_state=23)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


class _Block(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(width, width), nn.BatchNorm1d(width), nn.ReLU(), nn.Linear(width, width)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.relu(x + self.body(x))


def model() -> nn.Module:
    """A fresh residual MLP (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(8, 64), nn.ReLU(), _Block(64), _Block(64), nn.Linear(64, 4))


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
