"""Reversing token sequences: a GRU encoder-decoder with teacher forcing, Adam.

Synthetic, deterministic data (a generator seeded with 79): 3,000 sequences of 8 tokens
drawn uniformly from 10, each to be written back in reverse order; 2,400 for training and
600 for validation. A sequence-to-sequence model (Sutskever, Vinyals & Le 2014): an
embedding (12 symbols: the 10 tokens, a start token, width 24), a GRU encoder (48 units)
whose last state starts a GRU decoder (48 units) that reads the start token and then the
target shifted by one (teacher forcing), and a linear read-out over the 10 tokens;
cross-entropy per position. Adam; batch 32, 8 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

TOKENS, LENGTH, SEQUENCES = 10, 8, 3000
START = TOKENS  # the decoder's first input


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(79)
    x = torch.randint(0, TOKENS, (SEQUENCES, LENGTH), generator=g)
    y = x.flip(1)
    return TensorDataset(x[:2400], y[:2400]), TensorDataset(x[2400:], y[2400:])


_TRAIN, _VAL = _tensors()  # cached at import


class _Seq2Seq(nn.Module):
    """The input and the target travel together as one (batch, 2, length) tensor: the
    decoder reads the target shifted by one (teacher forcing) during training and
    validation alike."""

    def __init__(self, width: int = 24, hidden: int = 48) -> None:
        super().__init__()
        self.embed = nn.Embedding(TOKENS + 1, width)
        self.encoder = nn.GRU(width, hidden, batch_first=True)
        self.decoder = nn.GRU(width, hidden, batch_first=True)
        self.out = nn.Linear(hidden, TOKENS)

    def forward(self, pair: torch.Tensor) -> torch.Tensor:
        source, target = pair[:, 0], pair[:, 1]
        _, state = self.encoder(self.embed(source))
        start = torch.full_like(target[:, :1], START)
        shifted = torch.cat([start, target[:, :-1]], dim=1)
        hidden, _ = self.decoder(self.embed(shifted), state)
        return self.out(hidden)


class _Paired(TensorDataset):
    """Each sample's input is (source, target) stacked, its label the target."""

    def __init__(self, base: TensorDataset) -> None:
        x, y = base.tensors
        super().__init__(torch.stack([x, y], dim=1), y)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _Seq2Seq()


def criterion(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Cross-entropy per position, averaged."""
    return nn.functional.cross_entropy(logits.reshape(-1, TOKENS), targets.reshape(-1))


train_loader = DataLoader(_Paired(_TRAIN), batch_size=32, shuffle=True)
val_loader = DataLoader(_Paired(_VAL), batch_size=300)
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
