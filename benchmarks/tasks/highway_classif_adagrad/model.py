"""A highway network on a five-class problem (scikit-learn's ``make_classification``),
Adagrad.

4,000 points (24 features, 12 informative, 5 classes, 2 clusters per class,
``random_state=73``), 3,200 for training and 800 for validation (fixed split). A 24-64
input layer, four highway layers of width 64 (Srivastava, Greff & Schmidhuber 2015: a
sigmoid gate mixes a ReLU transform with the layer's input, the gate's bias starting at -2
so that each layer first carries its input), and a 64-5 read-out; cross-entropy. Adagrad;
batch 32, 6 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

FEATURES, CLASSES = 24, 5


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_classification(
        n_samples=4000,
        n_features=FEATURES,
        n_informative=12,
        n_classes=CLASSES,
        n_clusters_per_class=2,
        random_state=73,
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.int64)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


class _Highway(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.transform = nn.Linear(width, width)
        self.gate = nn.Linear(width, width)
        nn.init.constant_(self.gate.bias, -2.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        gate = torch.sigmoid(self.gate(x))
        return gate * torch.relu(self.transform(x)) + (1 - gate) * x


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    width = 64
    return nn.Sequential(
        nn.Linear(FEATURES, width),
        nn.ReLU(),
        *(_Highway(width) for _ in range(4)),
        nn.Linear(width, CLASSES),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.CrossEntropyLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
