"""Small data, many epochs: a wide MLP regressor on 64 noisy samples, Adam.

y = sin(x·w₁) + 0.5·(x·w₂) + noise (σ 0.3) in 8 dimensions; 64 training and 1,000
validation samples (fixed). The validation loss bottoms out and rises late as the network
fits the noise. Batch 16, 100 epochs = 400 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _sample(n: int, g: torch.Generator, w: torch.Tensor) -> TensorDataset:
    x = torch.randn(n, 8, generator=g)
    y = torch.sin(x @ w[:, :1]) + 0.5 * (x @ w[:, 1:]) + 0.3 * torch.randn(n, 1, generator=g)
    return TensorDataset(x, y)


_G = torch.Generator().manual_seed(0)
_W = torch.randn(8, 2, generator=_G) / 8**0.5
_TRAIN, _VAL = _sample(64, _G, _W), _sample(1000, _G, _W)  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(8, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=1000)
criterion = nn.MSELoss()
epochs = 100


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
