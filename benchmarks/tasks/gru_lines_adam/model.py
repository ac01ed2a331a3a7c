"""Which stdlib module does a line of source come from? A character GRU, Adam, batch 32.

Lines of at least 20 characters from four modules (``pathlib``, ``shutil``,
``subprocess``, ``logging``), cut or padded to 48 characters (byte values, 0 pads);
2,400 for training and 600 for validation (fixed, drawn at random). An embedding, a
one-layer GRU of 96 units and a linear read-out of its last state; cross-entropy,
4 epochs = 300 steps.
"""

from __future__ import annotations

import logging
import pathlib
import shutil
import subprocess

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_MODULES = (pathlib, shutil, subprocess, logging)
_LEN = 48


def _encode(line: str) -> list[int]:
    data = list(line.strip().encode("ascii", "replace")[:_LEN])
    return data + [0] * (_LEN - len(data))


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    rows, labels = [], []
    for label, module in enumerate(_MODULES):
        with open(module.__file__, encoding="utf-8") as f:
            lines = [line for line in f.read().splitlines() if len(line.strip()) >= 20]
        rows += [_encode(line) for line in lines]
        labels += [label] * len(lines)
    x, y = torch.tensor(rows), torch.tensor(labels)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))[:3000]
    x, y = x[perm], y[perm]
    return TensorDataset(x[600:], y[600:]), TensorDataset(x[:600], y[:600])


_TRAIN, _VAL = _tensors()  # cached at import


class LineGRU(nn.Module):
    """Byte embedding -> GRU -> linear read-out of the last hidden state."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(128, 32)
        self.gru = nn.GRU(32, 96, batch_first=True)
        self.out = nn.Linear(96, len(_MODULES))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, h = self.gru(self.embed(x))
        return self.out(h[-1])


def model() -> nn.Module:
    """A fresh GRU classifier (initialised from the current torch RNG)."""
    return LineGRU()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.CrossEntropyLoss()
epochs = 4


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
