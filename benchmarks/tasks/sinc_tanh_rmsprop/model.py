"""A noisy two-dimensional sinc surface: a tanh MLP, RMSprop, batch 8.

2,400 points drawn uniformly from [-3, 3]^2 (numpy seed 98); the target is
sin(r)/r at r = pi times the distance from the origin, standardised, plus Gaussian noise of
standard deviation 0.3. 2,000 for training, 400 for validation. Two tanh layers of 48;
mean squared error; RMSprop; 3 epochs = 750 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    rng = np.random.default_rng(98)
    x = rng.uniform(-3, 3, size=(2400, 2))
    y = np.sinc(np.linalg.norm(x, axis=1))
    y = (y - y[:2000].mean()) / y[:2000].std() + 0.3 * rng.standard_normal(2400)
    xt = torch.tensor(x / 3, dtype=torch.float32)
    yt = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    return TensorDataset(xt[:2000], yt[:2000]), TensorDataset(xt[2000:], yt[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(2, 48), nn.Tanh(), nn.Linear(48, 48), nn.Tanh(), nn.Linear(48, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=8, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 3


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
