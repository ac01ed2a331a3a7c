"""Character language model on the source of the stdlib's ``difflib``: a pre-LN transformer
trained from scratch, AdamW (β2 0.95, weight decay 0.1).

ASCII bytes (128 symbols), 48-character windows (fixed split: 90% train, 10% validation),
2 layers, 4 heads, width 48, causal; batch 32, 4 epochs = 188 steps. ``CharTransformer``
is also the backbone that ``transformer_finetune`` pretrains.
"""

from __future__ import annotations

import difflib
import inspect

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

SEQ, VOCAB = 48, 128


def encode(text: str) -> torch.Tensor:
    """ASCII codes (anything else → 0)."""
    return torch.tensor([o if (o := ord(c)) < VOCAB else 0 for c in text], dtype=torch.long)


def windows(text: str, length: int) -> torch.Tensor:
    """Consecutive non-overlapping windows of ``length`` codes, shape (n, length)."""
    ids = encode(text)
    n = len(ids) // length
    return ids[: n * length].view(n, length)


class CharTransformer(nn.Module):
    """Pre-LN causal transformer: embeddings → blocks → LayerNorm → next-symbol logits."""

    def __init__(self, *, width: int = 48, layers: int = 2, heads: int = 4) -> None:
        super().__init__()
        self.embed = nn.Embedding(VOCAB, width)
        self.pos = nn.Parameter(torch.randn(SEQ, width) * 0.02)
        block = nn.TransformerEncoderLayer(
            width, heads, 4 * width, dropout=0.0, batch_first=True, norm_first=True
        )
        self.blocks = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width)
        self.head = nn.Linear(width, VOCAB)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(SEQ))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[1]
        h = self.embed(x) + self.pos[:n]
        return self.norm(self.blocks(h, mask=self.mask[:n, :n], is_causal=True))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    chunks = windows(inspect.getsource(difflib), SEQ + 1)
    perm = torch.randperm(len(chunks), generator=torch.Generator().manual_seed(0))
    chunks = chunks[perm]
    n_val = len(chunks) // 10
    x, y = chunks[:, :-1], chunks[:, 1:]
    return TensorDataset(x[n_val:], y[n_val:]), TensorDataset(x[:n_val], y[:n_val])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh transformer (initialised from the current torch RNG)."""
    return CharTransformer()


def criterion(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean next-character cross-entropy (nats per character)."""
    return F.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1))


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=128)
epochs = 4


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
