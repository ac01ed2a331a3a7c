"""Sparse codes from signals with an unrolled network (LISTA): AdamW, batch 32.

scikit-learn's ``make_sparse_coded_signal`` (2,400 signals of 32 values, each a sum of 4 of
64 atoms of a random dictionary, random_state 17): recover each signal's 64 coefficients. A
fixed split of 2,000 for training and 400 for validation. The network unrolls 4 iterations
of iterative soft thresholding with learned weights (LISTA: ``x = soft(W y + S x, t_k)``,
``W`` and ``S`` shared, one learned threshold per iteration); mean squared error on the
codes; AdamW (weight decay 0.01); 10 epochs = 630 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_sparse_coded_signal
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_ITERATIONS = 4


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    signals, _, codes = make_sparse_coded_signal(
        n_samples=2400, n_components=64, n_features=32, n_nonzero_coefs=4, random_state=17
    )
    y = torch.tensor(signals, dtype=torch.float32)
    x = torch.tensor(codes, dtype=torch.float32)
    return TensorDataset(y[:2000], x[:2000]), TensorDataset(y[2000:], x[2000:])


_TRAIN, _VAL = _tensors()  # cached at import


class _Lista(nn.Module):
    """Unrolled iterative soft thresholding with learned matrices and thresholds."""

    def __init__(self) -> None:
        super().__init__()
        self.encode = nn.Linear(32, 64, bias=False)
        self.mix = nn.Linear(64, 64, bias=False)
        self.thresholds = nn.Parameter(torch.full((_ITERATIONS,), 0.1))

    def forward(self, signal: torch.Tensor) -> torch.Tensor:
        drive = self.encode(signal)
        code = torch.zeros_like(drive)
        for t in self.thresholds:
            pre = drive + self.mix(code)
            code = pre.sign() * torch.relu(pre.abs() - t)
        return code


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _Lista()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.MSELoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
