"""Noisy synthetic signals in four frequency bands: a 1-D CNN, SGD with momentum 0.9 and
weight decay 5e-4, batch 64.

3,000 signals of 64 samples (``numpy`` seed 0): a sine whose frequency is drawn from its
class's band (1-2, 2-3, 3-4.5 or 4.5-6 cycles per window), with a random phase and
amplitude, plus Gaussian noise of standard deviation 1. 2,400 for training and 600 for
validation (fixed split). Two 5-tap convolutions (16 and 32 channels, ReLU, max-pooling
between them), global average pooling and a linear read-out; cross-entropy, 12 epochs =
456 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_BANDS = ((1.0, 2.0), (2.0, 3.0), (3.0, 4.5), (4.5, 6.0))


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    rng = np.random.RandomState(0)
    n, length = 3000, 64
    y = rng.randint(0, len(_BANDS), n)
    low, high = np.array(_BANDS).T
    freq = rng.uniform(low[y], high[y])
    phase = rng.uniform(0, 2 * np.pi, n)
    amp = rng.uniform(0.5, 1.5, n)
    t = np.arange(length) / length
    x = amp[:, None] * np.sin(2 * np.pi * freq[:, None] * t + phase[:, None])
    x = x + rng.normal(0.0, 1.0, (n, length))
    xt = torch.tensor(x, dtype=torch.float32).unsqueeze(1)
    yt = torch.tensor(y, dtype=torch.long)
    return TensorDataset(xt[600:], yt[600:]), TensorDataset(xt[:600], yt[:600])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh 1-D CNN (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Conv1d(1, 16, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool1d(2),
        nn.Conv1d(16, 32, 5, padding=2),
        nn.ReLU(),
        nn.AdaptiveAvgPool1d(1),
        nn.Flatten(),
        nn.Linear(32, len(_BANDS)),
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.CrossEntropyLoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=5e-4)
