"""Regression on scikit-learn's S-curve: from a noisy 3-D point to its position along the
curve, a residual MLP with layer normalisation, AdamW, batch 64.

``make_s_curve(2000, noise=0.15, random_state=21)``: the three coordinates are the inputs and
the curve parameter t (standardised) the target; a fixed split, 1,600 for training and 400
for validation. A linear embedding to width 64, two residual blocks (LayerNorm, Linear,
GELU, Linear), a linear read-out; mean squared error; AdamW with weight decay 0.01;
20 epochs = 500 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_s_curve
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, t = make_s_curve(2000, noise=0.15, random_state=21)
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor((t - t.mean()) / t.std(), dtype=torch.float32).unsqueeze(1)
    return TensorDataset(x[:1600], y[:1600]), TensorDataset(x[1600:], y[1600:])


_TRAIN, _VAL = _tensors()  # cached at import


class _Block(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.inner = nn.Sequential(nn.Linear(width, width), nn.GELU(), nn.Linear(width, width))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.inner(self.norm(h))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(3, 64), _Block(64), _Block(64), nn.Linear(64, 1))


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
