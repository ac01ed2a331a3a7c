"""Next-character prediction on the source of the stdlib's ``fractions`` module: a one-layer
causal transformer, AdamW, batch 16.

The text is cut into 33-character pieces (fixed split, torch seed 29: 90% train, 10%
validation); each example is (32 characters, the next character at each position). An
embedding of width 48 plus a learnt position embedding, one pre-norm encoder layer (4
heads, feed-forward 96, no dropout) under a causal mask, a final LayerNorm and a linear
read-out over the vocabulary; cross-entropy over every position; AdamW (weight decay 0.01);
12 epochs = 588 steps.
"""

from __future__ import annotations

import fractions
import inspect

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

_SEQ = 32


def _tensors() -> tuple[TensorDataset, TensorDataset, int]:
    text = inspect.getsource(fractions)
    vocab = sorted(set(text))
    ids = torch.tensor([vocab.index(c) for c in text], dtype=torch.long)
    n = len(ids) // (_SEQ + 1)
    chunks = ids[: n * (_SEQ + 1)].view(n, _SEQ + 1)
    chunks = chunks[torch.randperm(n, generator=torch.Generator().manual_seed(29))]
    n_val = n // 10
    x, y = chunks[:, :-1], chunks[:, 1:]
    return TensorDataset(x[n_val:], y[n_val:]), TensorDataset(x[:n_val], y[:n_val]), len(vocab)


_TRAIN, _VAL, VOCAB = _tensors()  # cached at import


class CharTransformer(nn.Module):
    """Embeddings, one causal pre-norm encoder layer, and a read-out at every position."""

    def __init__(self, vocab: int = VOCAB, width: int = 48) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.position = nn.Parameter(torch.zeros(_SEQ, width))
        nn.init.normal_(self.position, std=0.02)
        self.layer = nn.TransformerEncoderLayer(
            width, 4, 96, dropout=0.0, batch_first=True, norm_first=True
        )
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, vocab)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(_SEQ))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.embed(x) + self.position[: x.shape[1]]
        h = self.layer(h, src_mask=self.mask[: x.shape[1], : x.shape[1]], is_causal=True)
        return self.head(self.norm(h))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return CharTransformer()


def criterion(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1))


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=256)
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
