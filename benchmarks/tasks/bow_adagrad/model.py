"""Which stdlib module does a line of source come from? A bag-of-words linear classifier,
Adagrad, batch 32.

The lines of five network and mail modules (``ftplib``, ``imaplib``, ``smtplib``,
``poplib``, ``mailbox``) with at least two tokens; their words and symbols are hashed
(CRC-32) into 2,048 count features. 3,600 training / 900 validation lines (fixed, drawn
at random), a linear model over the counts (logistic regression over sparse features,
Adagrad's classic setting: Duchi, Hazan & Singer 2011) and cross-entropy; 8 epochs =
904 steps.
"""

from __future__ import annotations

import ftplib
import imaplib
import mailbox
import poplib
import re
import smtplib
import zlib

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_MODULES = (ftplib, imaplib, smtplib, poplib, mailbox)
_BUCKETS = 2048
_TOKEN = re.compile(r"[A-Za-z_]+|[^\sA-Za-z_0-9]")


def _features(line: str) -> torch.Tensor:
    counts = torch.zeros(_BUCKETS)
    for token in _TOKEN.findall(line):
        counts[zlib.crc32(token.lower().encode()) % _BUCKETS] += 1.0
    return counts


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    rows, labels = [], []
    for label, module in enumerate(_MODULES):
        with open(module.__file__, encoding="utf-8") as f:
            lines = [line for line in f.read().splitlines() if len(line.split()) >= 2]
        rows += [_features(line) for line in lines]
        labels += [label] * len(lines)
    x, y = torch.stack(rows), torch.tensor(labels)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))[:4500]
    x, y = x[perm], y[perm]
    return TensorDataset(x[900:], y[900:]), TensorDataset(x[:900], y[:900])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh linear model (initialised from the current torch RNG)."""
    return nn.Linear(_BUCKETS, len(_MODULES))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=900)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
