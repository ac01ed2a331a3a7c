"""Which token a random sequence began with: a GRU over embeddings, SGD momentum 0.9,
batch 8.

2,400 synthetic sequences (torch seed 93) of 12 tokens drawn uniformly from 6; the class
is the first token, which the GRU must carry through the other 11. 2,000 for training, 400
for validation. An embedding of 8, a one-layer GRU of 32 and a linear read-out of its last
state; cross-entropy; SGD with momentum 0.9; 3 epochs = 750 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(93)
    x = torch.randint(0, 6, (2400, 12), generator=g)
    y = x[:, 0].clone()
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


class FirstTokenGRU(nn.Module):
    """Embeddings, a GRU, and its last state read out to six classes."""

    def __init__(self, vocab: int = 6, width: int = 8, hidden: int = 32) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.gru = nn.GRU(width, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.gru(self.embed(x))
        return self.head(states[:, -1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return FirstTokenGRU()


train_loader = DataLoader(_TRAIN, batch_size=8, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.CrossEntropyLoss()
epochs = 3


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
