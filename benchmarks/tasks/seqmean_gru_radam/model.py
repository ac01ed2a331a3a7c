"""Whether a sequence of digits averages above 4.5: a GRU, RAdam, batch 32.

4,000 sequences of 24 digits drawn uniformly from 0-9 (torch seed 0), each digit embedded
(width 16); the label is whether the sequence's mean exceeds 4.5. 3,200 for training and 800
for validation (fixed split). One GRU layer (hidden 32) read at its last step, a linear
read-out and cross-entropy; 6 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x = torch.randint(0, 10, (4000, 24), generator=torch.Generator().manual_seed(0))
    y = (x.float().mean(1) > 4.5).long()
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


class _MeanReader(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, 16)
        self.gru = nn.GRU(16, 32, batch_first=True)
        self.head = nn.Linear(32, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(self.embed(x))
        return self.head(out[:, -1])


def model() -> nn.Module:
    """A fresh GRU (initialised from the current torch RNG)."""
    return _MeanReader()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RAdam(params, lr=lr)
