"""Tests for lrtune._measure: pooling the repeats' floors."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lrtune._measure import measure
from lrtune._readings import NOISY_START, analyse_runs, pooled_lr
from lrtune.analysis import aggregate_curves, analyze_curve
from lrtune.errors import CurveError
from lrtune.rangetest import RangeTestConfig, RangeTestResult
from lrtune.state import seeded, stream_seed
from lrtune.task import make_task


def _run(scale: float, seed: int) -> RangeTestResult:
    """A sweep whose loss halves by ``scale`` and blows up from 20 × ``scale`` on."""
    lrs = np.logspace(-5, 0, 100)
    noise = 0.01 * np.random.default_rng(seed).standard_normal(100)
    loss = 2.0 / (1 + lrs / scale) + np.where(lrs > 20 * scale, (lrs / (20 * scale)) ** 3 - 1, 0)
    return _cut(lrs, loss + noise)


def _cut(lrs: np.ndarray, loss: np.ndarray) -> RangeTestResult:
    """The sweep of ``loss`` over ``lrs``, stopped where it blew up (4× its first loss)."""
    cut = int(np.argmax(loss > 4 * loss[0])) or len(lrs)
    return RangeTestResult(
        lrs=tuple(lrs[:cut]),
        losses=tuple(loss[:cut]),
        stop_reason="diverged",
        num_iter=len(lrs),
        seconds=0.1,
    )


def _floors(runs):
    return [analyze_curve(r.lrs, r.losses).floor_lr for r in runs]


def test_the_floor_is_the_repeats_floors_pooled():
    runs = (_run(1e-3, 0), _run(1.5e-3, 1), _run(2.5e-3, 2))
    floors = _floors(runs)
    pooled = analyse_runs(runs, momentum=0.0).floor_lr
    assert pooled == pytest.approx(float(np.exp(np.mean(np.log(floors)))))
    assert min(floors) < pooled < max(floors)


def test_a_stray_repeat_does_not_carry_the_floor():
    runs = (_run(1e-3, 0), _run(1.5e-3, 1), _run(3e-5, 2))  # the third: 30× lower
    first, second, stray = _floors(runs)
    assert stray < first / 4
    assert analyse_runs(runs, momentum=0.0).floor_lr == pytest.approx((first * second) ** 0.5)
    # a repeat too short to analyse on its own is left out as well
    short = (_run(1e-3, 0), _run(1.5e-3, 1), _run(1e-6, 2))
    assert analyse_runs(short, momentum=0.0).floor_lr == pytest.approx((first * second) ** 0.5)


def test_pooled_lr_needs_two_agreeing_estimates():
    assert pooled_lr([0.01]) is None
    assert pooled_lr([0.01, 1.0]) is None  # 100× apart: neither is within 4× of the median
    assert pooled_lr([0.01, 0.02]) == pytest.approx(0.02**0.5 * 0.1)


def _dipped(dip_at: float, seed: int) -> RangeTestResult:
    """A sweep whose loss levels off at 1 and dips to 0.2 around ``dip_at`` alone (a repeat
    whose own floor lies where the other repeats' losses are flat), blowing up past 0.3."""
    lrs = np.logspace(-5, 0, 100)
    loss = 1.0 + 1.0 / (1 + lrs / 1e-4) + 0.005 * np.random.default_rng(seed).standard_normal(100)
    loss -= 0.8 * np.exp(-0.5 * (np.log10(lrs / dip_at) / 0.15) ** 2)
    return _cut(lrs, loss + np.where(lrs > 0.3, (lrs / 0.3) ** 3 - 1, 0))


def test_the_pooled_floor_stops_at_the_read_curves_minimum():
    runs = tuple(_dipped(at, seed) for seed, at in enumerate((0.01, 0.03, 0.09)))
    pooled = pooled_lr(_floors(runs))
    analysis = analyse_runs(runs, momentum=0.0)
    assert pooled > analysis.min_loss_lr  # the repeats' floors pooled lie past it
    assert analysis.floor_lr == analysis.min_loss_lr
    # where the pooled floor lies below the minimum, it stands
    runs = (_run(1e-3, 0), _run(1.5e-3, 1), _run(2.5e-3, 2))
    analysis = analyse_runs(runs, momentum=0.0)
    assert analysis.floor_lr == pytest.approx(pooled_lr(_floors(runs)))
    assert analysis.floor_lr < analysis.min_loss_lr


def test_two_find_seeds_share_no_range_test():
    """Repeat r of ``--seed s`` starts from ``stream_seed(s, r)``: with ``s + r``, seed 1's
    first range test was seed 0's second, and three find seeds shared two of their three."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(96, 4, generator=g)
    data = DataLoader(TensorDataset(x, x.sum(1, keepdim=True)), batch_size=8, shuffle=True)

    def runs(seed: int) -> tuple[RangeTestResult, ...]:
        with seeded(seed):
            model = nn.Linear(4, 1)
        task = make_task(
            model=model,
            model_factory=lambda: nn.Linear(4, 1),
            train_loader=data,
            criterion=nn.MSELoss(),
            optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr),
        )
        config = RangeTestConfig(start_lr=1e-4, end_lr=1.0, num_iter=30, seed=seed)
        optimizer = task.make_optimizer(task.model.parameters(), config.start_lr)
        found, _ = measure(task, optimizer, config, repeats=3, zoom=False, momentum=0.0)
        return found

    first, second = runs(0), runs(1)
    assert [r.seed for r in first] == [0, stream_seed(0, 1), stream_seed(0, 2)]
    assert not {r.seed for r in first} & {r.seed for r in second}
    curves = [r.losses for r in first + second]  # every run its own weights and data order
    assert len(set(curves)) == 6
    assert [r.losses for r in runs(0)] == curves[:3]  # and the same seed, the same runs


def test_a_blow_up_read_in_the_first_steps_of_runs_that_trained_on_is_read_patiently():
    """Batch-4 losses jump 0.13-3 at a standstill (diabetes_wide_sgd's repeats, their first six
    steps): the step-wise median rose 4x above its lowest loss at step 5, and the analysis
    failed for a blow-up after 5 steps although every run trained 85 steps to a real one."""
    starts = (
        (1.381, 0.131, 1.048, 0.666, 0.18, 1.572),
        (0.677, 1.44, 1.55, 1.239, 1.269, 1.173),
        (0.634, 0.299, 0.984, 0.726, 0.328, 1.202),
    )
    lrs = np.logspace(-7, 0, 85)
    descent = 0.3 + 0.7 / (1 + lrs / 1e-3) + np.where(lrs > 0.1, (lrs / 0.1) ** 2 - 1, 0.0)
    runs = []
    for seed, start in enumerate(starts):
        noise = 1 + 0.3 * np.random.default_rng(seed).standard_normal(85)
        loss = np.r_[start, (descent * noise)[6:]]
        runs.append(RangeTestResult(tuple(lrs), tuple(loss), "diverged", 85, 0.1))
    with pytest.raises(CurveError, match="blew up after 5 steps"):
        analyze_curve(*aggregate_curves([(r.lrs, r.losses) for r in runs]))
    analysis = analyse_runs(tuple(runs), momentum=0.9)
    assert analysis.notes[-1] == NOISY_START
    assert 1e-4 < analysis.floor_lr < 0.05 and 0.05 < analysis.diverge_lr < 1.0
    with pytest.raises(CurveError, match="blew up after"):  # a run too short to read stays so
        analyse_runs(
            tuple(replace(r, lrs=r.lrs[:7], losses=r.losses[:7]) for r in runs), momentum=0.9
        )
