"""Is a sequence sorted? One self-attention layer reads 10 tokens, AdamW, batch 32.

3,000 sequences of 10 tokens from a vocabulary of 16 (NumPy seed 79): half are sorted
(non-decreasing), half are random draws that are not. A fixed split, 2,400 for training and
600 for validation. Token and position embeddings of 32, one pre-norm transformer encoder
layer (2 heads, feed-forward 64, no dropout), a mean over positions and a linear read-out;
cross-entropy (chance: ln 2 ≈ 0.69); AdamW (weight decay 0.01); 8 epochs = 600 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_LEN, _VOCAB = 10, 16


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    rng = np.random.RandomState(79)
    rows, labels = [], []
    while len(rows) < 3000:
        seq = rng.randint(0, _VOCAB, size=_LEN)
        is_sorted = len(rows) % 2 == 0
        if is_sorted:
            seq = np.sort(seq)
        elif np.all(np.diff(seq) >= 0):
            continue  # a random draw that happens to be sorted
        rows.append(seq)
        labels.append(int(is_sorted))
    order = rng.permutation(len(rows))
    x = torch.tensor(np.array(rows)[order]).long()
    y = torch.tensor(np.array(labels)[order]).long()
    return TensorDataset(x[:2400], y[:2400]), TensorDataset(x[2400:], y[2400:])


_TRAIN, _VAL = _tensors()  # cached at import


class SortedAttention(nn.Module):
    """Embeddings → one pre-norm encoder layer → mean over positions → two logits."""

    def __init__(self, d: int = 32) -> None:
        super().__init__()
        self.tokens = nn.Embedding(_VOCAB, d)
        self.positions = nn.Parameter(torch.randn(_LEN, d) * 0.02)
        self.layer = nn.TransformerEncoderLayer(
            d, nhead=2, dim_feedforward=64, dropout=0.0, batch_first=True, norm_first=True
        )
        self.out = nn.Linear(d, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.layer(self.tokens(x) + self.positions)
        return self.out(h.mean(dim=1))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return SortedAttention()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
