"""Quantile regression: an MLP predicting the 10th, 50th and 90th percentiles of a target
whose noise grows with one feature, trained on the pinball loss, AdamW.

3,750 points, 8 standard-normal features (``numpy.random.RandomState(97)``); the target is a
smooth function of four of them plus Gaussian noise of standard deviation ``0.2 + |x_0|``.
3,000 for training and 750 for validation (fixed split). An MLP 8-64-64-3 with SiLU, one output
per quantile; the loss is the pinball (quantile) loss averaged over the three quantiles.
AdamW (weight decay 0.01); batch 32, 8 epochs = 752 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

QUANTILES = (0.1, 0.5, 0.9)


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    rng = np.random.RandomState(97)
    x = rng.standard_normal((3750, 8))
    mean = np.sin(x[:, 0]) + 0.5 * x[:, 1] ** 2 - x[:, 2] * x[:, 3]
    y = mean + (0.2 + np.abs(x[:, 0])) * rng.standard_normal(3750)
    xt = torch.tensor(x, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    return TensorDataset(xt[750:], yt[750:]), TensorDataset(xt[:750], yt[:750])


_TRAIN, _VAL = _tensors()  # cached at import


class PinballLoss(nn.Module):
    """The pinball loss of each column of the prediction at its quantile, averaged."""

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("q", torch.tensor(QUANTILES))

    def forward(self, pred: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        error = target - pred  # (batch, 3)
        return torch.maximum(self.q * error, (self.q - 1) * error).mean()


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(8, 64), nn.SiLU(), nn.Linear(64, 64), nn.SiLU(), nn.Linear(64, len(QUANTILES))
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=375)
criterion = PinballLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
