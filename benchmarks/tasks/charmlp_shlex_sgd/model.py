"""Next-character prediction on the source of the stdlib's ``shlex`` module: an MLP over the
previous eight characters, SGD with momentum and weight decay, batch 64.

Every second position of the text gives one sample: the eight characters before it and the
character itself (fixed split: 90% train, 10% validation). An embedding of width 16 per
character, concatenated, one tanh layer of 128 and a linear read-out over the vocabulary;
cross-entropy; SGD with momentum 0.9 and weight decay 1e-4; 6 epochs.
"""

from __future__ import annotations

import inspect
import shlex

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_SPLIT_SEED = 5
_CONTEXT = 8


def _tensors() -> tuple[TensorDataset, TensorDataset, int]:
    text = inspect.getsource(shlex)
    vocab = sorted(set(text))
    ids = torch.tensor([vocab.index(c) for c in text], dtype=torch.long)
    ends = torch.arange(_CONTEXT, len(ids), 2)
    x = torch.stack([ids[e - _CONTEXT : e] for e in ends.tolist()])
    y = ids[ends]
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(_SPLIT_SEED))
    x, y = x[order], y[order]
    n_val = len(y) // 10
    return TensorDataset(x[n_val:], y[n_val:]), TensorDataset(x[:n_val], y[:n_val]), len(vocab)


_TRAIN, _VAL, VOCAB = _tensors()  # cached at import


class CharMLP(nn.Module):
    """Embed the context, concatenate, one tanh layer, read out the next character."""

    def __init__(self, vocab: int, width: int = 16, hidden: int = 128) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.hidden = nn.Linear(_CONTEXT * width, hidden)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, context: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.hidden(self.embed(context).flatten(1)))
        return self.head(h)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return CharMLP(VOCAB)


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=512)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=1e-4)
