"""Matrix completion (a recommender's setup): user and item embeddings whose dot product
predicts the observed entries of a low-rank matrix, Adam, batch 128.

A 300 x 200 matrix of rank 5 plus noise (torch seed 17: factors with unit-variance entries
over sqrt(5), noise 0.1); 12,000 observed entries drawn without replacement, 9,600 for
training and 2,400 for validation (fixed split). Embeddings of width 16 for each user and
item, plus a bias for each, initialised N(0, 0.1); mean squared error; 10 epochs = 750
steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_USERS, _ITEMS, _RANK = 300, 200, 5


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(17)
    u = torch.randn(_USERS, _RANK, generator=g) / _RANK**0.5
    v = torch.randn(_ITEMS, _RANK, generator=g) / _RANK**0.5
    full = u @ v.T * 2.0 + 0.1 * torch.randn(_USERS, _ITEMS, generator=g)
    picks = torch.randperm(_USERS * _ITEMS, generator=g)[:12_000]
    pairs = torch.stack([picks // _ITEMS, picks % _ITEMS], dim=1)
    target = full[pairs[:, 0], pairs[:, 1]].unsqueeze(1)
    return TensorDataset(pairs[2400:], target[2400:]), TensorDataset(pairs[:2400], target[:2400])


_TRAIN, _VAL = _tensors()  # cached at import


class _Factorization(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.users = nn.Embedding(_USERS, 16)
        self.items = nn.Embedding(_ITEMS, 16)
        self.user_bias = nn.Embedding(_USERS, 1)
        self.item_bias = nn.Embedding(_ITEMS, 1)
        for table in (self.users, self.items, self.user_bias, self.item_bias):
            nn.init.normal_(table.weight, std=0.1)

    def forward(self, pairs: torch.Tensor) -> torch.Tensor:
        user, item = pairs[:, 0], pairs[:, 1]
        dot = (self.users(user) * self.items(item)).sum(1, keepdim=True)
        return dot + self.user_bias(user) + self.item_bias(item)


def model() -> nn.Module:
    """A fresh factorization (initialised from the current torch RNG)."""
    return _Factorization()


train_loader = DataLoader(_TRAIN, batch_size=128, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=2400)
criterion = nn.MSELoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
