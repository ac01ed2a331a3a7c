"""Handwritten digits with noisy training labels: a small CNN, SGD with momentum, batch 8.

scikit-learn's bundled ``load_digits`` (1,797 8x8 images), shuffled (numpy seed 96): 1,437
for training, 360 for validation. A quarter of the training labels are replaced by a random
class (numpy seed 96); the validation labels are clean. Two 3x3 convolutions (8 and 16
channels, ReLU, the second with stride 2), global average pooling and a linear layer; cross
entropy; SGD with momentum 0.9; 4 epochs = 720 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = load_digits(return_X_y=True)
    rng = np.random.default_rng(96)
    order = rng.permutation(len(y))
    x, y = x[order] / 16.0, y[order].copy()
    flip = rng.random(1437) < 0.25
    y[:1437][flip] = rng.integers(0, 10, size=int(flip.sum()))
    xt = torch.tensor(x, dtype=torch.float32).reshape(-1, 1, 8, 8)
    yt = torch.tensor(y, dtype=torch.long)
    return TensorDataset(xt[:1437], yt[:1437]), TensorDataset(xt[1437:], yt[1437:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(8, 16, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(16, 10),
    )


train_loader = DataLoader(_TRAIN, batch_size=8, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.CrossEntropyLoss()
epochs = 4


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
