"""Next-character prediction on the source of the stdlib's ``difflib`` module: an Elman RNN,
SGD with momentum, batch 32.

The first 24,000 characters of the text are cut into 33-character pieces (fixed split: 90%
train, 10% validation); each batch is (32 characters, the next character at each position).
An embedding of width 32, a one-layer tanh RNN of 96, and a linear read-out over the
vocabulary; cross-entropy over every position; SGD with momentum 0.9; 8 epochs = 168 steps.
"""

from __future__ import annotations

import difflib
import inspect

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

_SPLIT_SEED = 5
_SEQ = 32


def _tensors() -> tuple[TensorDataset, TensorDataset, int]:
    text = inspect.getsource(difflib)[:24_000]
    vocab = sorted(set(text))
    ids = torch.tensor([vocab.index(c) for c in text], dtype=torch.long)
    n = len(ids) // (_SEQ + 1)
    chunks = ids[: n * (_SEQ + 1)].view(n, _SEQ + 1)
    chunks = chunks[torch.randperm(n, generator=torch.Generator().manual_seed(_SPLIT_SEED))]
    n_val = n // 10
    x, y = chunks[:, :-1], chunks[:, 1:]
    return TensorDataset(x[n_val:], y[n_val:]), TensorDataset(x[:n_val], y[:n_val]), len(vocab)


_TRAIN, _VAL, VOCAB = _tensors()  # cached at import


class CharRNN(nn.Module):
    """Embedding -> tanh RNN -> per-position read-out."""

    def __init__(self, vocab: int, hidden: int = 96) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, 32)
        self.rnn = nn.RNN(32, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(self.embed(tokens))
        return self.head(out)  # (batch, time, vocab)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return CharRNN(VOCAB)


def criterion(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean next-character cross-entropy (nats per character)."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=256)
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
