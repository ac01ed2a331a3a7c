"""Recall: a GRU reads 20 random tokens and names the first one, Adam, batch 64.

3,000 sequences of 20 tokens drawn uniformly from 8 (NumPy seed 53); the target is the first
token, so the model must carry it across 19 distractors (chance: ln 8 ≈ 2.08). A fixed split,
2,400 for training and 600 for validation. An embedding of 16, a GRU of 48 and a linear
read-out of its last state; cross-entropy; Adam with its default betas; 8 epochs = 304 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    tokens = torch.tensor(np.random.RandomState(53).randint(0, 8, size=(3000, 20)))
    x, y = tokens.long(), tokens[:, 0].long()
    return TensorDataset(x[:2400], y[:2400]), TensorDataset(x[2400:], y[2400:])


_TRAIN, _VAL = _tensors()  # cached at import


class Recall(nn.Module):
    """Embedding → GRU → the last state's logits over the 8 tokens."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(8, 16)
        self.gru = nn.GRU(16, 48, batch_first=True)
        self.out = nn.Linear(48, 8)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        states, _ = self.gru(self.embed(x))
        return self.out(states[:, -1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return Recall()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
