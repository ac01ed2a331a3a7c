"""Tests for lrtune.recommend.horizon: the full-length overfitting check."""

from __future__ import annotations

import math

import pytest

from lrtune.recommend.horizon import detect_overfit, horizon_check, lr_time_fraction
from lrtune.schedules import make_schedule


def test_detect_overfit_needs_a_sustained_rise_while_training_loss_falls():
    falling = [1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2]
    u_shape = [1.0, 0.7, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]
    # the lowest centred 3-point mean is at index 3 (0.55); the floor is first reached at 2
    assert detect_overfit(u_shape, falling) == 2
    assert detect_overfit(falling, falling) is None  # still improving
    assert detect_overfit(u_shape, u_shape) is None  # both rise: instability, not overfitting
    late = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.5, 0.55]
    assert detect_overfit(late, falling) is None  # the minimum is in the second half
    small = [1.0, 0.7, 0.5, 0.51, 0.51, 0.52, 0.51, 0.52, 0.52]
    assert detect_overfit(small, falling) is None  # within noise (< 5% above the minimum)
    assert detect_overfit(u_shape[:5], falling[:5]) is None  # too few points to tell
    # a noisy floor: a lucky dip after the floor is reached does not move the best point
    noisy = [1.0, 0.6, 0.52, 0.55, 0.5, 0.53, 0.6, 0.62, 0.65, 0.66, 0.7, 0.72]
    assert detect_overfit(noisy, [1.0 - 0.05 * i for i in range(12)]) == 2


def test_detect_overfit_ignores_noisy_training_losses_that_still_fall_on_average():
    val = [1.0, 0.6, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]
    train = [1.0, 0.7, 0.5, 0.45, 0.5, 0.3, 0.4, 0.25, 0.35]  # last point above the best's
    assert detect_overfit(val, train) == 2


def test_lr_time_fraction_integrates_the_schedule():
    cosine = make_schedule("cosine", lr=1.0, total=100, eta_min_ratio=0.0, basis="iteration")
    # ∫ (1 + cos πt)/2 over [0, s] / over [0, 1] = s + sin(πs)/π
    for until, share in ((50, 0.5 + 1 / math.pi), (10, 0.1 + math.sin(0.1 * math.pi) / math.pi)):
        got = lr_time_fraction(cosine, steps_per_epoch=10, until=until, total=100)
        assert got == pytest.approx(share, abs=0.01)
    assert lr_time_fraction(cosine, steps_per_epoch=10, until=100, total=100) == 1.0


def test_horizon_check_lowers_the_lr_of_a_run_that_overfits(regression):
    task = regression(noise=1.0, hidden=256)
    spec = make_schedule("cosine", lr=0.005, total=40, eta_min_ratio=0.01, basis="epoch")
    result = horizon_check(task, spec, steps_per_epoch=4, epochs=40, fraction=0.5)
    # 80 steps, evaluated every 2 (POINTS = 40): finer than the 20 epochs
    assert result.steps == 80 and len(result.val_losses) == 40
    assert result.at_steps == tuple(range(2, 81, 2))
    assert result.overfit and result.best_step is not None and result.best_step < 40
    assert min(result.val_losses) < result.val_losses[-1] / 1.1
    assert 1 / 30 <= result.lr_factor < 0.5
    # the lower LR generalises better over the full run than the checked one
    from lrtune.train import train

    def final(lr: float) -> float:
        build = spec.replace(lr=lr).build
        return train(task, make_scheduler=build, lr=lr, steps_per="epoch").val_loss

    assert final(0.005 * result.lr_factor) < final(0.005)


def test_horizon_check_keeps_the_lr_of_a_run_that_does_not_overfit(regression):
    task = regression(noise=0.1, hidden=0, n_train=256)
    spec = make_schedule("cosine", lr=0.01, total=40, eta_min_ratio=0.01, basis="epoch")
    result = horizon_check(task, spec, steps_per_epoch=32, epochs=40, fraction=0.25)
    assert not result.overfit and result.lr_factor == 1.0
    record = result.to_dict()
    assert record["overfit"] is False and record["best_step"] is None
    assert record["steps"] == 320 and len(record["val_losses"]) == 40  # every 8 steps


# cancer_mlp_adamw's check at find seed 2 (peak 0.00139, 43 evaluations over 348 steps): the
# floor at evaluation 17-26, the last third 6% above it while the training loss still falls
# fmt: off
_CANCER_VAL = [
    0.667, 0.656, 0.644, 0.628, 0.603, 0.570, 0.529, 0.463, 0.382, 0.309, 0.256, 0.220,
    0.206, 0.174, 0.142, 0.126, 0.123, 0.122, 0.121, 0.123, 0.122, 0.119, 0.120, 0.124,
    0.122, 0.120, 0.119, 0.121, 0.124, 0.126, 0.126, 0.123, 0.124, 0.129, 0.130, 0.128,
    0.124, 0.124, 0.123, 0.127, 0.132, 0.132, 0.133,
]
_CANCER_TRAIN = [
    0.681, 0.659, 0.643, 0.633, 0.619, 0.575, 0.536, 0.491, 0.404, 0.256, 0.217, 0.158,
    0.121, 0.095, 0.094, 0.091, 0.038, 0.069, 0.048, 0.040, 0.063, 0.052, 0.026, 0.065,
    0.057, 0.030, 0.028, 0.035, 0.059, 0.015, 0.043, 0.054, 0.024, 0.011, 0.063, 0.023,
    0.040, 0.012, 0.032, 0.039, 0.032, 0.031, 0.012,
]
# fmt: on


def test_a_floor_past_the_window_midpoint_still_counts_when_the_last_third_rises():
    best = detect_overfit(_CANCER_VAL, _CANCER_TRAIN)
    assert best == 17  # where the floor (0.1197 smoothed, at evaluation 21) is first reached
    # a floor in the last third is not overfitting yet: nothing after it can show a rise
    late_val = [1.0 - 0.02 * i for i in range(30)] + [0.42, 0.43, 0.44, 0.45, 0.46]
    late_train = [1.0 - 0.025 * i for i in range(35)]
    assert detect_overfit(late_val, late_train) is None
