"""Digits as 8 row tokens, pooled by attention to a learnt query: RMSprop.

scikit-learn's bundled ``load_digits`` (1,797 images of 8x8), pixels scaled to [0, 1]; a
fixed split (a permutation with seed 17) of 1,437 for training and 360 for validation. Each
image is read as 8 tokens (its rows, 8 pixels each) embedded to 48 with a learnt position
embedding; one learnt query attends over them (``nn.MultiheadAttention``, 4 heads), and a
LayerNorm and a linear layer map the pooled vector to 10 classes; cross-entropy. RMSprop;
batch 64, 30 epochs = 690 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = load_digits(return_X_y=True)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(17))
    x = torch.tensor(x, dtype=torch.float32)[order].reshape(-1, 8, 8) / 16.0
    y = torch.tensor(y, dtype=torch.long)[order]
    return TensorDataset(x[:1437], y[:1437]), TensorDataset(x[1437:], y[1437:])


_TRAIN, _VAL = _tensors()  # cached at import


class _AttentionPool(nn.Module):
    def __init__(self, width: int = 48, heads: int = 4) -> None:
        super().__init__()
        self.embed = nn.Linear(8, width)
        self.position = nn.Parameter(torch.randn(8, width) * 0.02)
        self.query = nn.Parameter(torch.randn(1, 1, width) * 0.02)
        self.attention = nn.MultiheadAttention(width, heads, batch_first=True)
        self.head = nn.Sequential(nn.LayerNorm(width), nn.Linear(width, 10))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tokens = self.embed(x) + self.position
        query = self.query.expand(x.shape[0], -1, -1)
        pooled, _ = self.attention(query, tokens, tokens, need_weights=False)
        return self.head(pooled.squeeze(1))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _AttentionPool()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 30


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
