"""Denoising synthetic signals with a small 1-D U-Net, AdamW.

Synthetic, deterministic data (a generator seeded with 83): 3,000 signals of 64 samples,
each a piecewise-constant level (2-5 random jumps) plus a sinusoid of random period (8-32
samples), amplitude and phase; the input adds Gaussian noise of 0.4, the target is the clean
signal. 2,400 for training and 600 for validation. The U-Net (Ronneberger, Fischer & Brox
2015, in one dimension): two encoder stages (convolutions of width 16 and 32, kernel 5,
ReLU, each followed by max-pooling by 2), a bottleneck of width 64, two decoder stages that
upsample by 2 and concatenate the encoder's features at the same resolution, and a 1x1
convolution back to one channel; mean squared error. AdamW (weight decay 0.01); batch 32,
8 epochs = 600 steps.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

LENGTH, SIGNALS = 64, 3000


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(83)
    t = torch.arange(LENGTH, dtype=torch.float32)
    clean = torch.zeros(SIGNALS, LENGTH)
    for i in range(SIGNALS):
        jumps = int(torch.randint(2, 6, (1,), generator=g))
        cuts = torch.randint(1, LENGTH, (jumps,), generator=g)
        for cut in cuts.tolist():
            clean[i, cut:] += torch.randn(1, generator=g).item()
    period = 8 + 24 * torch.rand(SIGNALS, 1, generator=g)
    amplitude = 0.3 + 0.7 * torch.rand(SIGNALS, 1, generator=g)
    phase = 2 * math.pi * torch.rand(SIGNALS, 1, generator=g)
    clean = clean + amplitude * torch.sin(2 * math.pi * t / period + phase)
    noisy = clean + 0.4 * torch.randn(SIGNALS, LENGTH, generator=g)
    x, y = noisy.unsqueeze(1), clean.unsqueeze(1)
    return TensorDataset(x[:2400], y[:2400]), TensorDataset(x[2400:], y[2400:])


_TRAIN, _VAL = _tensors()  # cached at import


def _stage(inputs: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv1d(inputs, outputs, 5, padding=2), nn.ReLU())


class _UNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.down1, self.down2 = _stage(1, 16), _stage(16, 32)
        self.bottom = _stage(32, 64)
        self.up2, self.up1 = _stage(64 + 32, 32), _stage(32 + 16, 16)
        self.pool = nn.MaxPool1d(2)
        self.upsample = nn.Upsample(scale_factor=2)
        self.head = nn.Conv1d(16, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skip1 = self.down1(x)
        skip2 = self.down2(self.pool(skip1))
        hidden = self.bottom(self.pool(skip2))
        hidden = self.up2(torch.cat([self.upsample(hidden), skip2], dim=1))
        hidden = self.up1(torch.cat([self.upsample(hidden), skip1], dim=1))
        return self.head(hidden)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _UNet()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=300)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
