"""Character language model on the source of the stdlib's ``textwrap`` module: a GRU, AdamW.

The text is cut into 65-character pieces (fixed split: 90% train, 10% validation);
each batch is (inputs, next characters). Batch 32, 12 epochs.
"""

from __future__ import annotations

import inspect
import textwrap

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

_SPLIT_SEED = 0
_SEQ = 64


def _tensors() -> tuple[TensorDataset, TensorDataset, int]:
    text = inspect.getsource(textwrap)
    vocab = sorted(set(text))
    ids = torch.tensor([vocab.index(c) for c in text], dtype=torch.long)
    n = len(ids) // (_SEQ + 1)
    chunks = ids[: n * (_SEQ + 1)].view(n, _SEQ + 1)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(_SPLIT_SEED))
    chunks = chunks[perm]
    n_val = n // 10
    x, y = chunks[:, :-1], chunks[:, 1:]
    train = TensorDataset(x[n_val:], y[n_val:])
    val = TensorDataset(x[:n_val], y[:n_val])
    return train, val, len(vocab)


_TRAIN, _VAL, VOCAB = _tensors()  # cached at import


class CharGRU(nn.Module):
    """Embedding -> one-layer GRU -> linear read-out over the vocabulary."""

    def __init__(self, vocab: int, dim: int = 32, hidden: int = 128) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        self.gru = nn.GRU(dim, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(self.embed(x))
        return self.head(out)


def model() -> nn.Module:
    """A fresh GRU (initialised from the current torch RNG)."""
    return CharGRU(VOCAB)


def criterion(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean next-character cross-entropy (nats per character)."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=64)
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
