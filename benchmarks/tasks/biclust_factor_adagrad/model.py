"""Matrix completion on a biclustered matrix: user and item embeddings whose dot product
predicts the observed entries, Adagrad, batch 64.

A 240 x 160 matrix from scikit-learn's ``make_biclusters`` (4 biclusters, noise 5,
random_state 23), standardised; 9,000 observed entries drawn without replacement (torch
seed 23), 7,200 for training and 1,800 for validation (fixed split). Embeddings of width 8
for each row and column, plus a bias for each, initialised N(0, 0.1); mean squared error;
8 epochs = 904 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_biclusters
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_ROWS, _COLS = 240, 160


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    data, _, _ = make_biclusters((_ROWS, _COLS), 4, noise=5.0, random_state=23)
    full = torch.tensor((data - data.mean()) / data.std(), dtype=torch.float32)
    g = torch.Generator().manual_seed(23)
    picks = torch.randperm(_ROWS * _COLS, generator=g)[:9_000]
    pairs = torch.stack([picks // _COLS, picks % _COLS], dim=1)
    target = full[pairs[:, 0], pairs[:, 1]].unsqueeze(1)
    return TensorDataset(pairs[1800:], target[1800:]), TensorDataset(pairs[:1800], target[:1800])


_TRAIN, _VAL = _tensors()  # cached at import


class _Factorization(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.rows = nn.Embedding(_ROWS, 8)
        self.cols = nn.Embedding(_COLS, 8)
        self.row_bias = nn.Embedding(_ROWS, 1)
        self.col_bias = nn.Embedding(_COLS, 1)
        for table in (self.rows, self.cols, self.row_bias, self.col_bias):
            nn.init.normal_(table.weight, std=0.1)

    def forward(self, pairs: torch.Tensor) -> torch.Tensor:
        row, col = pairs[:, 0], pairs[:, 1]
        dot = (self.rows(row) * self.cols(col)).sum(1, keepdim=True)
        return dot + self.row_bias(row) + self.col_bias(col)


def model() -> nn.Module:
    """A fresh factorization (initialised from the current torch RNG)."""
    return _Factorization()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=1800)
criterion = nn.MSELoss()
epochs = 8


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
