"""A mixture of experts on a three-class problem (scikit-learn's ``make_classification``),
RAdam.

4,000 points (20 features, 10 informative, 3 classes, 3 clusters per class,
``random_state=59``), 3,200 for training and 800 for validation (fixed split). Four experts,
each an MLP (20-32-3, ReLU), under a softmax gate (20-4): the model's class probabilities
are the gate-weighted mean of the experts' (Jacobs et al. 1991). The loss is the mixture's
negative log-likelihood (``NLLLoss`` on the log of the mixed probabilities, computed with
``logsumexp``). RAdam; batch 32, 6 epochs = 600 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

FEATURES, CLASSES, EXPERTS = 20, 3, 4


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_classification(
        n_samples=4000,
        n_features=FEATURES,
        n_informative=10,
        n_classes=CLASSES,
        n_clusters_per_class=3,
        random_state=59,
    )
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.int64)
    return TensorDataset(x[800:], y[800:]), TensorDataset(x[:800], y[:800])


_TRAIN, _VAL = _tensors()  # cached at import


class _Mixture(nn.Module):
    def __init__(self, width: int = 32) -> None:
        super().__init__()
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(FEATURES, width), nn.ReLU(), nn.Linear(width, CLASSES))
            for _ in range(EXPERTS)
        )
        self.gate = nn.Linear(FEATURES, EXPERTS)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The log of the mixed class probabilities, ``(batch, classes)``."""
        log_gate = self.gate(x).log_softmax(-1)  # (batch, experts)
        log_experts = torch.stack([e(x).log_softmax(-1) for e in self.experts], 1)
        return torch.logsumexp(log_gate[:, :, None] + log_experts, 1)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _Mixture()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.NLLLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RAdam(params, lr=lr)
