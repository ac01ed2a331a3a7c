"""Forecasting a regime-switching series four steps ahead with a small WaveNet (dilated,
gated, causal convolutions with residual and skip connections), SGD with Nesterov momentum.

A series of 5,100 steps from a threshold autoregression: ``s_t = 1.6 s_{t-1} - 0.8 s_{t-2}``
while ``s_{t-1} > 0``, else ``-0.5 s_{t-1} + 0.3 s_{t-2} + 1``, plus Gaussian noise
(``numpy.random.RandomState(103)``), standardised. Each sample is a window of 32 steps and the
value four steps after it; the first 4,000 windows train and the last 1,000 validate. The
network: a 1×1 convolution into 16 channels, three blocks with dilations 1, 2 and 4 (kernel 2,
left-padded, ``tanh(f) * sigmoid(g)``, a 1×1 residual and a 1×1 skip), the skips summed, ReLU,
1×1 to 16, and a linear read-out of the last step; MSE. SGD, momentum 0.9, Nesterov; batch 64,
8 epochs = 504 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

WINDOW, CHANNELS, AHEAD = 32, 16, 4


def _series() -> np.ndarray:
    rng = np.random.RandomState(103)
    n = 5100
    s = np.zeros(n)
    noise = rng.standard_normal(n)
    for t in range(2, n):
        if s[t - 1] > 0:
            s[t] = 1.6 * s[t - 1] - 0.8 * s[t - 2] + noise[t]
        else:
            s[t] = -0.5 * s[t - 1] + 0.3 * s[t - 2] + 1.0 + noise[t]
    return (s - s.mean()) / s.std()


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    s = torch.tensor(_series(), dtype=torch.float32)
    x = s.unfold(0, WINDOW, 1)[:-AHEAD].unsqueeze(1)  # (windows, 1, 32)
    y = s[WINDOW + AHEAD - 1 :].unsqueeze(1)  # the value AHEAD steps after each window
    return TensorDataset(x[:4000], y[:4000]), TensorDataset(x[-1000:], y[-1000:])


_TRAIN, _VAL = _tensors()  # cached at import


class GatedBlock(nn.Module):
    def __init__(self, dilation: int) -> None:
        super().__init__()
        self.pad = nn.ConstantPad1d((dilation, 0), 0.0)
        self.conv = nn.Conv1d(CHANNELS, 2 * CHANNELS, kernel_size=2, dilation=dilation)
        self.residual = nn.Conv1d(CHANNELS, CHANNELS, 1)
        self.skip = nn.Conv1d(CHANNELS, CHANNELS, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        f, g = self.conv(self.pad(x)).chunk(2, dim=1)
        z = torch.tanh(f) * torch.sigmoid(g)
        return x + self.residual(z), self.skip(z)


class WaveNet(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inp = nn.Conv1d(1, CHANNELS, 1)
        self.blocks = nn.ModuleList(GatedBlock(d) for d in (1, 2, 4))
        self.out = nn.Sequential(nn.ReLU(), nn.Conv1d(CHANNELS, CHANNELS, 1), nn.ReLU())
        self.head = nn.Linear(CHANNELS, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, skips = self.inp(x), 0.0
        for block in self.blocks:
            h, s = block(h)
            skips = skips + s
        return self.head(self.out(skips)[:, :, -1])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return WaveNet()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True)
