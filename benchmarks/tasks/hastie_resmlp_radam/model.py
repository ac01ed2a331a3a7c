"""Hastie's binary problem (scikit-learn's ``make_hastie_10_2``): a residual MLP with
LayerNorm, RAdam, batch 64.

4,000 points (``random_state=47``), 3,200 for training and 800 for validation (fixed split).
A 10-64 input layer, two residual blocks (LayerNorm, Linear, ReLU, Linear, added back), a
64-2 read-out; cross-entropy; 8 epochs = 400 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_hastie_10_2
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_hastie_10_2(n_samples=4000, random_state=47)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor((y_np > 0).astype("int64"))
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


class _Block(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.LayerNorm(width), nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


def model() -> nn.Module:
    """A fresh residual MLP (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(10, 64), _Block(64), _Block(64), nn.ReLU(), nn.Linear(64, 2))


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RAdam(params, lr=lr)
