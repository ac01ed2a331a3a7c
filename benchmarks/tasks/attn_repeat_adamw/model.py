"""Whether a sequence's first token occurs again later in it: a one-layer transformer
encoder, AdamW (weight decay 0.01), batch 64.

5,000 sequences of 16 tokens drawn uniformly from 24 (torch seed 0), about half of them
with a repeat of the first token; 4,000 for training and 1,000 for validation (fixed
split). Token and position embeddings of width 32, one post-norm encoder layer (4 heads,
feed-forward 64, no dropout), mean pooling and a linear read-out; cross-entropy,
10 epochs = 630 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_LENGTH, _VOCAB, _WIDTH = 16, 24, 32


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    gen = torch.Generator().manual_seed(0)
    x = torch.randint(0, _VOCAB, (5000, _LENGTH), generator=gen)
    y = (x[:, 1:] == x[:, :1]).any(1).long()
    return TensorDataset(x[1000:], y[1000:]), TensorDataset(x[:1000], y[:1000])


_TRAIN, _VAL = _tensors()  # cached at import


class _RepeatFinder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.tokens = nn.Embedding(_VOCAB, _WIDTH)
        self.positions = nn.Parameter(torch.randn(_LENGTH, _WIDTH) * 0.02)
        self.encoder = nn.TransformerEncoderLayer(
            _WIDTH, nhead=4, dim_feedforward=64, dropout=0.0, batch_first=True
        )
        self.head = nn.Linear(_WIDTH, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.encoder(self.tokens(x) + self.positions)
        return self.head(h.mean(1))


def model() -> nn.Module:
    """A fresh transformer (initialised from the current torch RNG)."""
    return _RepeatFinder()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=1000)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
