"""Handwritten digits (scikit-learn's bundled ``load_digits``): an MLP-Mixer, Adam, batch 64.

1,797 8x8 images scaled to [0, 1], 1,437 for training and 360 for validation (fixed split,
the first 360 for validation). The image is cut into 16 patches of 2x2 pixels, each embedded
linearly (width 32); two mixer blocks, each a LayerNorm and a token-mixing MLP (16-32-16),
then a LayerNorm and a channel-mixing MLP (32-64-32), both GELU and residual; a final
LayerNorm, mean pooling and a linear read-out; cross-entropy; 8 epochs = 184 steps.
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


class _MixerBlock(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(32), nn.LayerNorm(32)
        self.tokens = nn.Sequential(nn.Linear(16, 32), nn.GELU(), nn.Linear(32, 16))
        self.channels = nn.Sequential(nn.Linear(32, 64), nn.GELU(), nn.Linear(64, 32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.tokens(self.norm1(x).transpose(1, 2)).transpose(1, 2)
        return x + self.channels(self.norm2(x))


class _Mixer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(4, 32)
        self.blocks = nn.Sequential(_MixerBlock(), _MixerBlock())
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(self.blocks(self.embed(x))).mean(1))


def model() -> nn.Module:
    """A fresh MLP-Mixer (initialised from the current torch RNG)."""
    return _Mixer()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
