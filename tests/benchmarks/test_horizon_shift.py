"""The horizon-shift tool: a compressed run's best peak against the full run's."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from benchmarks import horizon_shift
from lrtune.schedules import make_schedule
from lrtune.task import make_task


def test_best_peak_refines_the_lowest_rung_by_a_parabola_in_log_lr():
    assert horizon_shift.best_peak([0.1, 0.2, 0.4], [2.0, 1.0, 2.0]) == pytest.approx(0.2)
    # lower on the right: the vertex moves right, but stays between the neighbours
    assert 0.2 < horizon_shift.best_peak([0.1, 0.2, 0.4], [3.0, 1.0, 2.0]) < 0.4
    # at the ladder's end, or next to a diverged rung, the rung itself
    assert horizon_shift.best_peak([0.1, 0.2, 0.4], [1.0, 2.0, 3.0]) == 0.1
    assert horizon_shift.best_peak([0.1, 0.2, 0.4], [2.0, 1.0, math.inf]) == 0.2


def test_a_compressed_run_needs_a_higher_peak_than_the_full_run():
    # least squares with label noise under SGD, batches of 4: the full run settles lower at
    # a lower peak, the run compressed into a fifth of it is best at a higher one
    g = torch.Generator().manual_seed(0)
    x = torch.randn(256, 8, generator=g) * torch.logspace(0, -1.5, 8)
    y = x @ torch.ones(8, 1) + 0.5 * torch.randn(256, 1, generator=g)
    train = torch.utils.data.TensorDataset(x[:192], y[:192])
    val = torch.utils.data.TensorDataset(x[192:], y[192:])
    task = make_task(
        model=nn.Linear(8, 1, bias=False),
        train_loader=torch.utils.data.DataLoader(train, batch_size=4, shuffle=True),
        val_loader=torch.utils.data.DataLoader(val, batch_size=64),
        criterion=nn.MSELoss(),
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr),
        epochs=10,
    )
    schedule = make_schedule("cosine", lr=0.1, total=10, basis="epoch")
    peaks = [0.1 * 2 ** (k / 2) for k in range(-6, 5)]
    best = {}
    for fraction in (0.2, 1.0):
        losses = horizon_shift.ladder_losses(
            task, schedule, peaks, steps_per_epoch=48, fraction=fraction, orders=(0, 1)
        )
        assert len(losses) == len(peaks) and all(map(math.isfinite, losses))
        best[fraction] = horizon_shift.best_peak(peaks, losses)
    assert best[0.2] > 3 * best[1.0]
