"""Which standard-library module a 48-character snippet of source comes from: a character
LSTM, RMSprop, batch 32.

The sources of ``heapq``, ``calendar``, ``string`` and ``bisect`` (as shipped with Python)
cut into non-overlapping 48-character snippets, a fixed split (torch seed 31) of 85% for
training and 15% for validation. An embedding of width 16, a one-layer LSTM of width 64, and
a linear read-out of its last hidden state over the 4 modules; cross-entropy; RMSprop
(alpha 0.99); 10 epochs.
"""

from __future__ import annotations

import bisect
import calendar
import heapq
import inspect
import string

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_LENGTH = 48
_MODULES = (heapq, calendar, string, bisect)


def _tensors() -> tuple[TensorDataset, TensorDataset, int]:
    sources = [inspect.getsource(m) for m in _MODULES]
    vocab = sorted(set("".join(sources)))
    index = {c: i for i, c in enumerate(vocab)}
    xs, ys = [], []
    for label, text in enumerate(sources):
        for start in range(0, len(text) - _LENGTH + 1, _LENGTH):
            xs.append([index[c] for c in text[start : start + _LENGTH]])
            ys.append(label)
    x, y = torch.tensor(xs), torch.tensor(ys)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(31))
    x, y = x[order], y[order]
    n_val = int(0.15 * len(y))
    return TensorDataset(x[n_val:], y[n_val:]), TensorDataset(x[:n_val], y[:n_val]), len(vocab)


_TRAIN, _VAL, VOCAB = _tensors()  # cached at import


class SnippetLSTM(nn.Module):
    """Embedding -> LSTM -> the last hidden state's read-out."""

    def __init__(self, vocab: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, 16)
        self.lstm = nn.LSTM(16, 64, batch_first=True)
        self.head = nn.Linear(64, len(_MODULES))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        _, (hidden, _) = self.lstm(self.embed(tokens))
        return self.head(hidden[-1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return SnippetLSTM(VOCAB)


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=512)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr, alpha=0.99)
