"""Wine cultivars (scikit-learn's bundled ``load_wine``): a wide ReLU MLP, SGD with momentum,
batch 16.

178 samples with 13 features, standardised on the training split; a fixed split (torch seed
23), 142 for training and 36 for validation. One hidden layer of 256 (ReLU) and a three-class
read-out; cross-entropy; SGD with momentum 0.9; 30 epochs.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_wine
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data = load_wine()
    x = torch.tensor(data.data, dtype=torch.float32)
    y = torch.tensor(data.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(23))
    x, y = x[order], y[order]
    x = (x - x[:142].mean(0)) / x[:142].std(0)
    return TensorDataset(x[:142], y[:142]), TensorDataset(x[142:], y[142:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(13, 256), nn.ReLU(), nn.Linear(256, 3))


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=36)
criterion = nn.CrossEntropyLoss()
epochs = 30


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
