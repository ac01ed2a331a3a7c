"""Ordinal regression with a CORAL head on binned regression targets, RMSprop.

4,000 points of scikit-learn's ``make_regression`` (12 features, 8 informative, noise 20,
``random_state=71``); the target is cut at its 20th, 40th, 60th and 80th percentiles into
5 ordered levels. 3,200 for training and 800 for validation (fixed split; the inputs
standardised with the training half's statistics). The model is an MLP (12-64-64, ReLU) with
a CORAL head (Cao, Mirjalili & Raschka 2020): one shared linear score and 4 learned
thresholds, so that the 4 logits "level > k" are rank-consistent. The loss is the sum over
the 4 thresholds of the binary cross-entropy, averaged over the batch (``CoralLoss`` below).
RMSprop; batch 32, 6 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_regression
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

FEATURES, LEVELS = 12, 5


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_regression(
        n_samples=4000, n_features=FEATURES, n_informative=8, noise=20.0, random_state=71
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32)
    cuts = torch.quantile(y[800:], torch.tensor([0.2, 0.4, 0.6, 0.8]))
    levels = torch.bucketize(y, cuts)  # 0..4
    mean, std = x[800:].mean(0), x[800:].std(0)
    x = (x - mean) / std
    return TensorDataset(x[800:], levels[800:]), TensorDataset(x[:800], levels[:800])


_TRAIN, _VAL = _tensors()  # cached at import


class _Coral(nn.Module):
    def __init__(self, width: int = 64) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(FEATURES, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU()
        )
        self.score = nn.Linear(width, 1, bias=False)
        self.thresholds = nn.Parameter(torch.linspace(1.0, -1.0, LEVELS - 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The logits of "level > k" for k = 0..3, ``(batch, 4)``."""
        return self.score(self.body(x)) + self.thresholds


class CoralLoss(nn.Module):
    """The CORAL loss: the binary cross-entropies of "level > k", summed over k."""

    def forward(self, logits: torch.Tensor, levels: torch.Tensor) -> torch.Tensor:
        ks = torch.arange(LEVELS - 1, device=levels.device)
        above = (levels[:, None] > ks).float()
        bce = nn.functional.binary_cross_entropy_with_logits(logits, above, reduction="none")
        return bce.sum(1).mean()


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _Coral()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = CoralLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
