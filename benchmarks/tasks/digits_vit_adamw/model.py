"""Handwritten digits (scikit-learn's bundled ``load_digits``): a small vision transformer,
AdamW with weight decay 0.05, batch 32.

1,797 8x8 images scaled to [0, 1], 1,437 for training and 360 for validation (fixed split,
the first 360 for validation). The image is cut into 16 patches of 2x2 pixels, each embedded
linearly (width 32) with a learned position; two pre-norm encoder layers (4 heads,
feed-forward 64, no dropout), a final LayerNorm, mean pooling and a linear read-out;
cross-entropy; 6 epochs = 270 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32) / 16.0
    patches = x.reshape(-1, 4, 2, 4, 2).permute(0, 1, 3, 2, 4).reshape(-1, 16, 4)
    y = torch.tensor(digits.target, dtype=torch.long)
    return TensorDataset(patches[360:], y[360:]), TensorDataset(patches[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


class _TinyViT(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(4, 32)
        self.positions = nn.Parameter(torch.randn(16, 32) * 0.02)
        layer = nn.TransformerEncoderLayer(
            32, 4, 64, dropout=0.0, batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.encoder(self.embed(x) + self.positions)).mean(1))


def model() -> nn.Module:
    """A fresh vision transformer (initialised from the current torch RNG)."""
    return _TinyViT()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.05)
