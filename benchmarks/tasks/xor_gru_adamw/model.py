"""Delayed XOR: a GRU reads 12 random bits and gives the XOR of the first two, AdamW, batch 64.

4,000 sequences of 12 bits (NumPy seed 67); the target is bit 0 XOR bit 1, so the model must
carry two bits across 10 distractors and combine them (chance: ln 2 ≈ 0.69). A fixed split,
3,200 for training and 800 for validation. An embedding of 8, a GRU of 32 and a linear
read-out of its last state; cross-entropy; AdamW (weight decay 0.01); 6 epochs = 300 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    bits = torch.tensor(np.random.RandomState(67).randint(0, 2, size=(4000, 12)))
    x, y = bits.long(), (bits[:, 0] ^ bits[:, 1]).long()
    return TensorDataset(x[:3200], y[:3200]), TensorDataset(x[3200:], y[3200:])


_TRAIN, _VAL = _tensors()  # cached at import


class DelayedXor(nn.Module):
    """Embedding → GRU → the last state's two logits."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(2, 8)
        self.gru = nn.GRU(8, 32, batch_first=True)
        self.out = nn.Linear(32, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.gru(self.embed(x))
        return self.out(states[:, -1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return DelayedXor()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
