"""Key-value recall: a two-layer transformer encoder, AdamW, batch 64.

Each sequence lists 6 (key, value) pairs, keys drawn without replacement from 8 and values
from 8, then one of its keys as the query; the target is that key's value. 4,000 sequences
for training and 1,000 for validation, drawn once (torch seed 67). Token embeddings of width
32 and learned position embeddings, two pre-norm encoder layers (2 heads, feed-forward 64,
no dropout), and a linear read-out of the query's position over the 8 values; cross-entropy;
AdamW (weight decay 0.01); 15 epochs = 945 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_PAIRS = 6
_KEYS = 8
_VALUES = 8
_LENGTH = 2 * _PAIRS + 1


def _draw(n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    keys = torch.argsort(torch.rand(n, _KEYS, generator=generator), dim=1)[:, :_PAIRS]
    values = torch.randint(0, _VALUES, (n, _PAIRS), generator=generator)
    asked = torch.randint(0, _PAIRS, (n,), generator=generator)
    tokens = torch.empty(n, _LENGTH, dtype=torch.long)
    tokens[:, 0:-1:2] = keys
    tokens[:, 1:-1:2] = _KEYS + values  # values have their own tokens
    rows = torch.arange(n)
    tokens[:, -1] = keys[rows, asked]
    return tokens, values[rows, asked]


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    generator = torch.Generator().manual_seed(67)
    x, y = _draw(5000, generator)
    return TensorDataset(x[:4000], y[:4000]), TensorDataset(x[4000:], y[4000:])


_TRAIN, _VAL = _tensors()  # cached at import


class KeyValueTransformer(nn.Module):
    """Embeddings -> two encoder layers -> the query position's read-out."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(_KEYS + _VALUES, 32)
        self.position = nn.Parameter(torch.randn(_LENGTH, 32) * 0.02)
        layer = nn.TransformerEncoderLayer(
            32, 2, dim_feedforward=64, dropout=0.0, batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, _VALUES)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(self.embed(tokens) + self.position)
        return self.head(self.norm(hidden[:, -1]))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return KeyValueTransformer()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=1000)
criterion = nn.CrossEntropyLoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
