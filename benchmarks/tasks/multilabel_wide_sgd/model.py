"""Multi-label classification (scikit-learn's ``make_multilabel_classification``): a wide
one-hidden-layer MLP, SGD with momentum, batch 128.

4,000 points with 60 count features and 12 labels, about 2 per point (``random_state=29``),
features standardised on the training split; 3,200 for training and 800 for validation
(fixed split). A 60-256-12 MLP with ReLU, one logit per label, binary cross-entropy; SGD
with momentum 0.9; 12 epochs = 300 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_multilabel_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_multilabel_classification(
        n_samples=4000, n_features=60, n_classes=12, n_labels=2, random_state=29
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.float32)
    x = (x - x[800:].mean(0)) / (x[800:].std(0) + 1e-6)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(nn.Linear(60, 256), nn.ReLU(), nn.Linear(256, 12))


train_loader = DataLoader(_TRAIN, batch_size=128, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.BCEWithLogitsLoss()
epochs = 12


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
