"""Unrolling a swiss roll (scikit-learn's ``make_swiss_roll``): predict the position along
the roll from the 3-D point, an MLP, SGD with momentum 0.9, batch 32.

3,000 noisy points (noise 0.3, ``random_state=21``), coordinates and target standardised;
2,400 for training and 600 for validation (fixed split). A 3-64-64-1 ReLU MLP, mean squared
error; 8 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_swiss_roll
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, t_np = make_swiss_roll(n_samples=3000, noise=0.3, random_state=21)
    x = torch.tensor(x_np, dtype=torch.float32)
    t = torch.tensor(t_np, dtype=torch.float32).unsqueeze(1)
    x = (x - x.mean(0)) / x.std(0)
    t = (t - t.mean()) / t.std()
    return TensorDataset(x[600:], t[600:]), TensorDataset(x[:600], t[:600])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(3, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
