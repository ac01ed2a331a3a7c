"""Two moons blurred by heavy noise: a ReLU MLP, Adagrad, batch 8.

``make_moons`` with noise 0.35 (random_state 83), 1,500 points standardised on the training
part; 1,200 for training and 300 for validation. Three hidden layers of 64 with ReLU;
cross-entropy; Adagrad; 6 epochs = 900 steps. Small batches of overlapping classes make
the batch loss noisy.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_moons
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_moons(n_samples=1500, noise=0.35, random_state=83)
    x = torch.tensor(x, dtype=torch.float32)
    x = (x - x[:1200].mean(0)) / x[:1200].std(0)
    y = torch.tensor(y).long()
    return TensorDataset(x[:1200], y[:1200]), TensorDataset(x[1200:], y[1200:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(2, 64),
        nn.ReLU(),
        nn.Linear(64, 64),
        nn.ReLU(),
        nn.Linear(64, 64),
        nn.ReLU(),
        nn.Linear(64, 2),
    )


train_loader = DataLoader(_TRAIN, batch_size=8, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=300)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
