"""Multi-label classification (scikit-learn's ``make_multilabel_classification``): an MLP,
NAdam, batch 64.

4,000 points with 40 count features (log1p-scaled) and 8 labels, about 3 per point
(``random_state=13``); 3,200 for training and 800 for validation (fixed split). A 40-96-96-8
MLP with SiLU, one logit per label, binary cross-entropy; 10 epochs = 500 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_multilabel_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_multilabel_classification(
        n_samples=4000, n_features=40, n_classes=8, n_labels=3, random_state=13
    )
    x = torch.log1p(torch.tensor(x_np, dtype=torch.float32))
    y = torch.tensor(y_np, dtype=torch.float32)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(40, 96), nn.SiLU(), nn.Linear(96, 96), nn.SiLU(), nn.Linear(96, 8)
    )


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
criterion = nn.BCEWithLogitsLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.NAdam(params, lr=lr)
