"""The longest run of one token in a random sequence: a GRU over embeddings, AdamW, batch 8.

2,400 synthetic sequences (torch seed 97) of 16 tokens drawn uniformly from 3; the target is
the length of the longest run of equal neighbouring tokens, standardised. 2,000 for
training, 400 for validation. An embedding of 8, a one-layer GRU of 32 and a linear read-out
of its last state; mean squared error; AdamW (weight decay 0.01); 3 epochs = 750 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _longest_run(x: torch.Tensor) -> torch.Tensor:
    run = torch.ones(x.shape[0])
    best = torch.ones(x.shape[0])
    for t in range(1, x.shape[1]):
        run = torch.where(x[:, t] == x[:, t - 1], run + 1, torch.ones_like(run))
        best = torch.maximum(best, run)
    return best


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(97)
    x = torch.randint(0, 3, (2400, 16), generator=g)
    y = _longest_run(x).unsqueeze(1)
    y = (y - y[:2000].mean()) / y[:2000].std()
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


class RunGRU(nn.Module):
    """Embeddings, a GRU, and its last state read out to one number."""

    def __init__(self, vocab: int = 3, width: int = 8, hidden: int = 32) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.gru = nn.GRU(width, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.gru(self.embed(x))
        return self.head(states[:, -1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return RunGRU()


train_loader = DataLoader(_TRAIN, batch_size=8, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 3


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
