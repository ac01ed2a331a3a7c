"""How many neighbours repeat in a random sequence: a GRU over embeddings, Adagrad,
batch 8.

2,400 synthetic sequences (torch seed 95) of 20 tokens drawn uniformly from 4; the target
is the number of positions whose token equals the one before, standardised. 2,000 for
training, 400 for validation. An embedding of 8, a one-layer GRU of 32 and a linear read-out
of its last state; mean squared error; Adagrad; 3 epochs = 750 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(95)
    x = torch.randint(0, 4, (2400, 20), generator=g)
    y = (x[:, 1:] == x[:, :-1]).sum(dim=1, keepdim=True).float()
    y = (y - y[:2000].mean()) / y[:2000].std()
    return TensorDataset(x[:2000], y[:2000]), TensorDataset(x[2000:], y[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


class PairsGRU(nn.Module):
    """Embeddings, a GRU, and its last state read out to one number."""

    def __init__(self, vocab: int = 4, width: int = 8, hidden: int = 32) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.gru = nn.GRU(width, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.gru(self.embed(x))
        return self.head(states[:, -1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return PairsGRU()


train_loader = DataLoader(_TRAIN, batch_size=8, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 3


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
