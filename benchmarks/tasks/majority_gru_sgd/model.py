"""Whether a bit sequence holds more ones than zeros: a GRU, SGD with momentum 0.9, batch 32.

3,200 sequences of 21 random bits (torch seed 7), 2,560 for training and 640 for validation
(fixed split). Each bit embedded (width 8), one GRU layer (hidden 32) read at its last step,
a linear read-out and cross-entropy; 10 epochs = 800 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x = torch.randint(0, 2, (3200, 21), generator=torch.Generator().manual_seed(7))
    y = (x.sum(1) > 10).long()
    return TensorDataset(x[640:], y[640:]), TensorDataset(x[:640], y[:640])


_TRAIN, _VAL = _tensors()  # cached at import


class _Counter(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(2, 8)
        self.gru = nn.GRU(8, 32, batch_first=True)
        self.head = nn.Linear(32, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(self.embed(x))
        return self.head(out[:, -1])


def model() -> nn.Module:
    """A fresh GRU (initialised from the current torch RNG)."""
    return _Counter()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=640)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
