"""Handwritten digits with 30% of the training labels replaced at random: an MLP, SGD with
momentum (no weight decay).

1,437 training images (30% relabelled uniformly at random, fixed) / 360 clean validation
images, standardised pixels flattened to 64 features, batch 32, 15 epochs = 675 steps.
Label noise rewards a lower LR late in training: the network should not memorise the
wrong labels.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data = load_digits()
    x = (torch.tensor(data.data, dtype=torch.float32) / 16.0 - 0.3) / 0.4
    y = torch.tensor(data.target, dtype=torch.long)
    g = torch.Generator().manual_seed(0)
    perm = torch.randperm(len(y), generator=g)
    x, y = x[perm], y[perm].clone()
    noisy = torch.rand(len(y), generator=g) < 0.3
    noisy[:360] = False  # the validation labels stay clean
    y[noisy] = torch.randint(0, 10, (int(noisy.sum()),), generator=g)
    return TensorDataset(x[360:], y[360:]), TensorDataset(x[:360], y[:360])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 15


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
