"""Least squares with an analytic stability limit: full-batch gradient descent (plain SGD).

Loss ``L(w, b) = mean((x·w + b - y)^2)`` over 512 points in 20 dimensions whose feature
scales span 10x (condition number ~100). The loader yields the whole dataset as one
batch, so SGD without momentum is gradient descent on a quadratic with Hessian
``H = (2/n) X1ᵀX1`` (``X1`` = features with a column of ones); it diverges for any
constant LR above ``2 / λ_max(H)`` (:func:`hessian_max_eigenvalue`, :data:`CRITICAL_LR`).
100 epochs = 100 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_DATA_SEED = 0
_N, _D, _NOISE = 512, 20, 0.1


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(_DATA_SEED)
    scales = torch.logspace(0, -1, _D)
    w_true = torch.randn(_D, 1, generator=g)

    def sample(n: int) -> TensorDataset:
        x = torch.randn(n, _D, generator=g) * scales + 0.5
        y = x @ w_true + 0.3 + _NOISE * torch.randn(n, 1, generator=g)
        return TensorDataset(x, y)

    return sample(_N), sample(_N)


_TRAIN, _VAL = _tensors()  # cached at import


def hessian_max_eigenvalue() -> float:
    """λ_max of the Hessian of the training loss w.r.t. (weight, bias): ``(2/n) X1ᵀX1``."""
    x, _ = _TRAIN.tensors
    x1 = torch.cat([x, torch.ones(len(x), 1)], dim=1).double()
    return float(torch.linalg.eigvalsh(2.0 / len(x) * x1.T @ x1)[-1])


CRITICAL_LR = 2.0 / hessian_max_eigenvalue()  # gradient descent diverges above this LR


def model() -> nn.Module:
    """A fresh linear model (initialised from the current torch RNG)."""
    return nn.Linear(_D, 1)


train_loader = DataLoader(_TRAIN, batch_size=_N, shuffle=False)  # full batch
val_loader = DataLoader(_VAL, batch_size=_N)
criterion = nn.MSELoss()
epochs = 100


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr)  # plain gradient descent: no momentum
