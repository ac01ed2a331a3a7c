"""Two noisy interleaved half-moons (scikit-learn's ``make_moons``): a residual MLP with
LayerNorm, Adam, batch 32.

2,000 points (noise 0.3, ``random_state=1``), 1,600 for training and 400 for validation
(fixed split). An input layer of width 64, three pre-norm residual blocks
(LayerNorm, Linear, GELU, Linear) and a linear read-out; cross-entropy; 10 epochs = 500 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_moons
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x_np, y_np = make_moons(n_samples=2000, noise=0.3, random_state=1)
    x = torch.tensor(x_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    return TensorDataset(x[400:], y[400:]), TensorDataset(x[:400], y[:400])


_TRAIN, _VAL = _tensors()  # cached at import


class _Block(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.body = nn.Sequential(nn.Linear(width, width), nn.GELU(), nn.Linear(width, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(self.norm(x))


def model() -> nn.Module:
    """A fresh residual MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(2, 64), *(_Block(64) for _ in range(3)), nn.LayerNorm(64), nn.Linear(64, 2)
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.CrossEntropyLoss()
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
