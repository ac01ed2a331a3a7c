"""Click prediction on synthetic categorical data: a factorization machine, Adagrad.

Synthetic, deterministic data (a generator seeded with 61): 10,000 impressions, each with
one category in each of 6 fields (sizes 12, 30, 8, 50, 20 and 5). A click's log-odds is
-1 plus a per-category bias (standard deviation 0.5) plus the pairwise dot products of
per-category latent vectors of rank 3 (standard deviation 0.45 per entry); the label is
drawn from it. 8,000 impressions for training and 2,000 for validation. The model is a
factorization machine of degree 2 (Rendle 2010) with 8 factors per category: a bias, one
weight per category, and the pairwise interactions by the sum-of-squares identity;
binary cross-entropy on its logit. Adagrad; batch 128, 8 epochs = 504 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

FIELDS = (12, 30, 8, 50, 20, 5)
OFFSETS = torch.tensor([0, *FIELDS[:-1]]).cumsum(0)
CATEGORIES = sum(FIELDS)


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(61)
    columns = [torch.randint(0, size, (10_000,), generator=g) for size in FIELDS]
    index = torch.stack(columns, 1) + OFFSETS  # one global category id per field
    bias = 0.5 * torch.randn(CATEGORIES, generator=g)
    latent = 0.45 * torch.randn(CATEGORIES, 3, generator=g)
    vectors = latent[index]  # (n, fields, 3)
    pairs = (vectors.sum(1).pow(2).sum(1) - vectors.pow(2).sum((1, 2))) / 2
    logit = -1.0 + bias[index].sum(1) + pairs
    clicks = (torch.rand(10_000, generator=g) < torch.sigmoid(logit)).float()
    return TensorDataset(index[:8000], clicks[:8000]), TensorDataset(index[8000:], clicks[8000:])


_TRAIN, _VAL = _tensors()  # cached at import


class _FactorizationMachine(nn.Module):
    def __init__(self, factors: int = 8) -> None:
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(()))
        self.weights = nn.Embedding(CATEGORIES, 1)
        self.factors = nn.Embedding(CATEGORIES, factors)
        nn.init.normal_(self.weights.weight, std=0.01)
        nn.init.normal_(self.factors.weight, std=0.1)

    def forward(self, index: torch.Tensor) -> torch.Tensor:
        vectors = self.factors(index)  # (batch, fields, factors)
        pairs = (vectors.sum(1).pow(2) - vectors.pow(2).sum(1)).sum(1) / 2
        return self.bias + self.weights(index).sum((1, 2)) + pairs


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _FactorizationMachine()


train_loader = DataLoader(_TRAIN, batch_size=128, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=1000)
criterion = nn.BCEWithLogitsLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
