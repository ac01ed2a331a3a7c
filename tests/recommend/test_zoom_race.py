"""The zoom's race: the first sweep's peak replaces the zoom's only where it trains better on
every data order raced."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from lrtune.recommend._recommendation import Reason, Recommendation
from lrtune.recommend.zoom_race import FRACTION, ORDERS, race_readings
from lrtune.schedules import make_schedule
from lrtune.task import make_task


@pytest.fixture
def regression():
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


def _rec(lr: float, why: str) -> Recommendation:
    spec = make_schedule("cosine", lr=lr, total=80, warmup=4, basis="iteration")
    return Recommendation(spec, (Reason("peak-lr", why, ""),), steps_per_epoch=8, epochs=10)


def test_a_first_sweep_peak_that_trains_better_on_every_order_replaces_the_zooms(regression):
    rec = race_readings(regression, _rec(0.001, "zoom"), _rec(0.05, "first"), seed=0)
    race = rec.race
    assert rec.initial_lr == race["lr"] == 0.05
    assert [r.text for r in rec.reasons][0] == "first"  # the winner's own reasons
    assert race["peaks"] == [0.001, 0.05] and race["window"] == round(FRACTION * 80)
    assert len(race["losses"]) == ORDERS  # it had to win every order
    assert all(first < zoom for zoom, first in race["losses"])
    assert race["steps"] == 2 * ORDERS * race["window"]
    reason = rec.reasons[-1]
    assert reason.rule == "zoom-race" and "the first sweep's peak is kept" in reason.text


def test_the_zooms_peak_stands_after_the_first_order_it_wins(regression):
    rec = race_readings(regression, _rec(0.05, "zoom"), _rec(0.8, "first"), seed=0)
    race = rec.race
    assert rec.initial_lr == 0.05 and [r.text for r in rec.reasons][0] == "zoom"
    assert len(race["losses"]) == 1  # no second order: the zoom's held the first
    zoom_loss, first_loss = race["losses"][0]
    assert math.isinf(first_loss) or first_loss > zoom_loss  # 0.8 blows up
    assert race["steps"] <= 2 * race["window"]
    assert "the zoom's peak is kept" in rec.reasons[-1].text
