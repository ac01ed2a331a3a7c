"""Whether token 3 occurs more than once in a sequence: a one-layer transformer encoder,
Adam, batch 64.

4,000 sequences of 16 tokens drawn uniformly from 0-9 (torch seed 11); the label is whether
token 3 occurs at least twice (about half of them). 3,200 for training and 800 for
validation (fixed split). Token and position embeddings (width 32), one encoder layer (4
heads, feed-forward 64, no dropout), mean pooling, a linear read-out and cross-entropy;
8 epochs = 400 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x = torch.randint(0, 10, (4000, 16), generator=torch.Generator().manual_seed(11))
    y = ((x == 3).sum(1) >= 2).long()
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


class _Counter(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.tokens = nn.Embedding(10, 32)
        self.positions = nn.Parameter(torch.randn(16, 32) * 0.02)
        layer = nn.TransformerEncoderLayer(32, 4, 64, dropout=0.0, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        self.head = nn.Linear(32, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.encoder(self.tokens(x) + self.positions).mean(1))


def model() -> nn.Module:
    """A fresh transformer (initialised from the current torch RNG)."""
    return _Counter()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
