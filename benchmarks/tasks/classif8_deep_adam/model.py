"""Eight-class classification (scikit-learn's ``make_classification``): a five-layer plain
ReLU MLP, Adam, batch 64.

3,000 points with 40 features, 16 informative and 8 redundant, 8 classes of 2 clusters each,
2% of labels flipped (``random_state=31``), features standardised on the training split;
2,400 for training and 600 for validation (fixed split). A 40-128-128-128-128-128-8 MLP with
ReLU and no normalisation, cross-entropy; Adam with its default betas; 10 epochs = 380 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_classification(
        n_samples=3000,
        n_features=40,
        n_informative=16,
        n_redundant=8,
        n_classes=8,
        n_clusters_per_class=2,
        flip_y=0.02,
        random_state=31,
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    x = (x - x[600:].mean(0)) / (x[600:].std(0) + 1e-6)
    return TensorDataset(x[600:], y[600:]), TensorDataset(x[:600], y[:600])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    layers: list[nn.Module] = [nn.Linear(40, 128), nn.ReLU()]
    for _ in range(4):
        layers += [nn.Linear(128, 128), nn.ReLU()]
    return nn.Sequential(*layers, nn.Linear(128, 8))


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=600)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
