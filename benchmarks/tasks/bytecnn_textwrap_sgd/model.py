"""Next-character prediction on the source of the stdlib's ``textwrap`` module: a causal
1-D CNN, SGD with momentum, batch 32.

The text is cut into 33-character pieces (fixed split: 90% train, 10% validation); each
batch is (32 characters, the next character at each position). An embedding of width 32,
three causal convolutions of kernel 3 and dilations 1, 2 and 4 (width 64, ReLU, residual
from the second on), and a linear read-out over the vocabulary; cross-entropy over every
position; SGD with momentum 0.9; 15 epochs = 255 steps.
"""

from __future__ import annotations

import inspect
import textwrap

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

_SPLIT_SEED = 3
_SEQ = 32


def _tensors() -> tuple[TensorDataset, TensorDataset, int]:
    text = inspect.getsource(textwrap)
    vocab = sorted(set(text))
    ids = torch.tensor([vocab.index(c) for c in text], dtype=torch.long)
    n = len(ids) // (_SEQ + 1)
    chunks = ids[: n * (_SEQ + 1)].view(n, _SEQ + 1)
    chunks = chunks[torch.randperm(n, generator=torch.Generator().manual_seed(_SPLIT_SEED))]
    n_val = n // 10
    x, y = chunks[:, :-1], chunks[:, 1:]
    return TensorDataset(x[n_val:], y[n_val:]), TensorDataset(x[:n_val], y[:n_val]), len(vocab)


_TRAIN, _VAL, VOCAB = _tensors()  # cached at import


class ByteCNN(nn.Module):
    """Embedding -> three dilated causal convolutions -> per-position read-out."""

    def __init__(self, vocab: int, width: int = 64) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, 32)
        self.convs = nn.ModuleList(
            nn.Conv1d(32 if i == 0 else width, width, 3, dilation=d)
            for i, d in enumerate((1, 2, 4))
        )
        self.head = nn.Linear(width, vocab)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens).transpose(1, 2)  # (batch, channels, time)
        for i, conv in enumerate(self.convs):
            out = F.relu(conv(F.pad(h, (2 * conv.dilation[0], 0))))  # causal: pad the past
            h = out if i == 0 else h + out
        return self.head(h.transpose(1, 2))  # (batch, time, vocab)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return ByteCNN(VOCAB)


def criterion(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean next-character cross-entropy (nats per character)."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=256)
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
