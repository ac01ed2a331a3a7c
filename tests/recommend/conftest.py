"""Tasks shared by the recommender's tests."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lrtune.task import make_task


@pytest.fixture
def least_squares():
    """Least squares with curvature ~8: plain SGD is stable below a step of about 0.25."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(256, 8, generator=g) * 2
    y = x @ torch.randn(8, 1, generator=g)
    data = torch.utils.data.TensorDataset(x, y)
    loader = torch.utils.data.DataLoader(data, batch_size=32, shuffle=True)
    return make_task(
        model=nn.Linear(8, 1),
        model_factory=lambda: nn.Linear(8, 1),
        train_loader=loader,
        val_loader=torch.utils.data.DataLoader(data, batch_size=256),
        criterion=nn.MSELoss(),
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr),
        epochs=10,
    )
