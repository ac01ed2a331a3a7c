"""Shared fixtures: tiny tasks that train in milliseconds."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from lrtune.task import make_task

ROOT = Path(__file__).resolve().parents[1]
#: The range-test repeats the zoo situations the zoom and long-sweep tests replay were found
#: with: three, the default before (64); four read tokencount_lstm_nadam's median curve out of
#: the noise, for one.
SITUATION_REPEATS = 3

#: A model.py that trains in milliseconds: linear regression, SGD with momentum, a factory
#: model, a validation loader and 4 epochs (shared by the CLI and storage tests).
SGD_REGRESSION_MODEL_PY = """\
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_g = torch.Generator().manual_seed(0)
_x = torch.randn(64, 3, generator=_g)
_y = _x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1 * torch.randn(64, 1, generator=_g)
epochs = 4

def model():
    torch.manual_seed(0)
    return nn.Linear(3, 1)

train_loader = DataLoader(TensorDataset(_x, _y), batch_size=16, shuffle=True)
val_loader = DataLoader(TensorDataset(_x, _y), batch_size=64)
criterion = nn.MSELoss()

def optimizer(params, lr):
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
"""


@pytest.fixture(autouse=True)
def _one_thread():
    """One torch thread: tiny models on a shared 2-core machine run far faster."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture
def bn_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))


@pytest.fixture
def cls_loader() -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(1)
    x = torch.randn(96, 4, generator=g)
    y = (x[:, 0] > 0).long() + (x[:, 1] > 0).long()
    return [(x[i : i + 16], y[i : i + 16]) for i in range(0, 96, 16)]


@pytest.fixture
def write_model(tmp_path: Path):
    """Write a model.py with the given source and return its path."""

    def write(source: str, name: str = "model.py") -> Path:
        path = tmp_path / name
        path.write_text(source)
        return path

    return write


@pytest.fixture
def regression():
    """``regression(noise=, hidden=, n_train=32, epochs=40, val=True)``: y = x·w + noise.

    A wide MLP (``hidden`` units, Adam) on few noisy samples overfits; a linear model
    (``hidden=0``) cannot. 512 validation samples, batch 8.
    """

    def build(*, noise: float, hidden: int, n_train: int = 32, epochs: int = 40, val: bool = True):
        g = torch.Generator().manual_seed(0)
        w = torch.randn(8, 1, generator=g)

        def data(n: int) -> torch.utils.data.TensorDataset:
            x = torch.randn(n, 8, generator=g)
            y = x @ w + noise * torch.randn(n, 1, generator=g)
            return torch.utils.data.TensorDataset(x, y)

        torch.manual_seed(0)
        model = (
            nn.Sequential(nn.Linear(8, hidden), nn.ReLU(), nn.Linear(hidden, 1))
            if hidden
            else nn.Linear(8, 1)
        )
        train = torch.utils.data.DataLoader(data(n_train), batch_size=8, shuffle=True)
        held_out = torch.utils.data.DataLoader(data(512), batch_size=512)
        return make_task(
            model=model,
            train_loader=train,
            val_loader=held_out if val else None,
            criterion=nn.MSELoss(),
            optimizer=lambda p, lr: torch.optim.Adam(p, lr=lr),
            epochs=epochs,
        )

    return build
