"""Curve analysis: the analytic divergence check, smoothing and suggestions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from lrtune.analysis import aggregate_curves, analyze_curve, ema_smooth, savgol_smooth
from lrtune.errors import CurveError, InterruptedCurveError
from lrtune.rangetest import RangeTestConfig, range_test


def _least_squares(n: int = 512, d: int = 20, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    eig = torch.logspace(-1, 1, d)
    q, _ = torch.linalg.qr(torch.randn(d, d, generator=g))
    u, _ = torch.linalg.qr(torch.randn(n, d, generator=g))
    x = (u * torch.sqrt(eig * n)) @ q.T
    y = x @ torch.randn(d, 1, generator=g) + 0.1 * torch.randn(n, 1, generator=g)
    lam_max = torch.linalg.eigvalsh(x.T @ x / n).max().item()
    return x, y, lam_max


@pytest.mark.parametrize("num_iter", [100, 200])
@pytest.mark.parametrize("seed", [0, 1])
def test_divergence_lr_within_1_5x_of_two_over_lambda_max(num_iter, seed):
    """Full-batch GD on least squares diverges above 2/lambda_max (the Hessian's top eigenvalue)."""
    x, y, lam_max = _least_squares(seed=seed)
    model = nn.Linear(x.shape[1], 1, bias=False)

    def loss_fn(m, batch):
        return 0.5 * ((m(batch[0]) - batch[1]) ** 2).mean()

    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    result = range_test(
        model,
        opt,
        [(x, y)],
        loss_fn=loss_fn,
        config=RangeTestConfig(start_lr=1e-4, end_lr=10, num_iter=num_iter),
    )
    analysis = analyze_curve(result.lrs, result.losses)
    ratio = analysis.diverge_lr / (2 / lam_max)
    assert analysis.diverge_method == "growth-rate"
    assert 1 / 1.5 <= ratio <= 1.5, ratio
    assert result.lrs[-1] / (2 / lam_max) > 2  # the run itself stopped much later
    assert analysis.suggested_lr < analysis.diverge_lr


def test_savgol_smooth_has_no_lag_on_a_ramp():
    ramp = np.linspace(0, 1, 50)
    assert np.allclose(savgol_smooth(ramp), ramp)
    assert ema_smooth(ramp)[-1] < 0.98  # the EMA lags behind


def test_analyze_curve_reads_a_synthetic_curve():
    lrs = np.logspace(-6, 0, 80)
    x = np.log10(lrs)
    losses = 2.3 - 2.0 / (1 + np.exp(-3 * (x + 3))) + np.where(lrs > 0.1, 30 * (lrs - 0.1), 0)
    a = analyze_curve(lrs, losses)
    assert a.steepest_lr == pytest.approx(1e-3, rel=0.3)
    assert 1e-3 < a.valley_lr < 1e-2
    assert a.lr_range[0] <= a.suggested_lr <= a.lr_range[1]
    assert a.diverge_lr is not None and a.suggested_lr <= a.diverge_lr / 2
    assert a.confidence == "high"


def test_analyze_curve_a_classifier_that_forgets_has_blown_up():
    """Digits' curves: the loss falls from ln(10), relapses above it (never 4x its low),
    recovers at a huge LR and only then explodes; the relapse is the divergence LR."""
    lrs = np.logspace(-4, 0.2, 90)
    x = np.log10(lrs)
    losses = 2.3 - 0.9 / (1 + np.exp(-8 * (x + 1)))  # learns from 0.03, low 1.4 near 0.2
    losses = np.where((lrs > 0.24) & (lrs < 0.4), 2.8, losses)  # forgets: back above 2.3
    losses = np.where(lrs >= 0.4, 1.6 + 6 * np.maximum(lrs - 0.8, 0) ** 0.5, losses)
    losses = losses + 0.02 * np.sin(np.arange(90))  # batch noise
    a = analyze_curve(lrs, losses)
    assert a.diverge_lr is not None and 0.15 <= a.diverge_lr <= 0.3, a.diverge_lr
    assert max(a.lrs) < 0.25  # the curve is read up to the relapse
    assert a.suggested_lr <= a.diverge_lr / 2


def test_analyze_curve_without_blow_up_says_so():
    lrs = np.logspace(-6, -2, 60)
    a = analyze_curve(lrs, 2.0 - 0.1 * np.log10(lrs / 1e-6))
    assert a.diverge_lr is None and a.confidence == "medium"
    assert any("raise --end-lr" in note for note in a.notes)


def test_analyze_curve_too_short_is_an_error():
    with pytest.raises(CurveError, match=r"expected at least 8 points on the curve, got 3"):
        analyze_curve([1e-3, 1e-2, 1e-1], [1.0, 0.9, 0.8])


def test_analyze_curve_early_non_finite_is_a_blow_up_not_a_start_problem():
    with pytest.raises(CurveError, match=r"blew up after 1 steps \(non-finite at lr=0.01\)"):
        analyze_curve([1e-3, 1e-2, 1e-1], [1.0, float("nan"), 2.0])
    lrs = np.logspace(-5, 0, 40)
    with pytest.raises(CurveError, match=r"blew up after 5 steps .* lower --end-lr"):
        analyze_curve(lrs, [1.0, 0.9, 0.8, 0.7, 0.6] + [9.0] * 35)


def test_analyze_curve_interrupted_is_low_confidence_without_end_lr_advice():
    lrs = np.logspace(-6, -2, 60)
    a = analyze_curve(lrs, 2.0 - 0.5 * np.log10(lrs / 1e-6), interrupted=True)
    assert a.confidence == "low"
    assert any("interrupted at lr=0.01" in note for note in a.notes)
    assert not any("--end-lr" in note for note in a.notes)
    with pytest.raises(InterruptedCurveError, match="interrupted after 5 steps") as info:
        analyze_curve(lrs[:5], [1.0] * 5, interrupted=True)
    assert info.value.exit_code == 130


def test_analyze_curve_non_finite_end_is_the_divergence_bound():
    lrs = np.logspace(-6, -2, 60)
    losses = 2.0 - 0.1 * np.log10(lrs / 1e-6)
    losses[40] = float("nan")
    a = analyze_curve(lrs, losses)
    assert (a.diverge_lr, a.diverge_method) == (pytest.approx(lrs[40]), "non-finite")
    assert not any("raise --end-lr" in note for note in a.notes)


def test_aggregate_curves_geometric_mean_over_runs():
    lrs, losses = aggregate_curves([([1, 2, 3], [4.0, 1.0, 1.0]), ([1, 2, 3], [1.0, 4.0, 1.0])])
    assert losses == pytest.approx([2.0, 2.0, 1.0])


def test_floor_lr_is_where_a_flat_bottom_starts_not_its_noisy_minimum():
    """A transformer's curve: the loss reaches its floor near 1e-2 and stays flat to 0.4,
    where noise puts the minimum; the floor is the steady reading."""
    lrs = np.logspace(-6, 0, 100)
    x = np.log10(lrs)
    losses = 4.0 - 2.0 / (1 + np.exp(-4 * (x + 2.6)))
    losses = np.where(lrs > 0.5, losses + 40 * (lrs - 0.5), losses)
    losses = losses - 0.004 * np.exp(-((x + 0.4) ** 2) / 0.01)  # a dip at 0.4: the minimum
    a = analyze_curve(lrs, losses)
    assert a.min_loss_lr > 0.2
    assert 3e-3 < a.floor_lr < 3e-2, a.floor_lr


def test_flat_then_cliff_is_a_fall_within_a_few_steps_of_the_blow_up():
    lrs = np.logspace(-7, 1, 100)  # the default sweep: 12.5 steps per decade
    x = np.log10(lrs)
    cliff = np.where(lrs > 0.25, 30 * (lrs - 0.25), 0)
    late = 2.3 - 0.6 / (1 + np.exp(-12 * (x + 0.8))) + cliff  # falls only from 0.1
    early = 2.3 - 1.5 / (1 + np.exp(-3 * (x + 3))) + cliff  # falls from 1e-4
    a_late, a_early = analyze_curve(lrs, late), analyze_curve(lrs, early)
    assert a_late.flat_then_cliff and a_late.cliff_steps < 10
    assert not a_early.flat_then_cliff and a_early.cliff_steps >= 10
    assert not analyze_curve(lrs[:60], early[:60]).flat_then_cliff  # no blow-up: no cliff


def test_rebound_lr_is_where_the_loss_rose_back_before_it_blew_up():
    """A GRU's curve: it learns until 0.2, gets worse from there, and explodes only near 1.4.
    The rebound reads the first, the divergence LR the second."""
    rng = np.random.default_rng(0)
    lrs = np.logspace(-7, 1, 100)
    x = np.log10(lrs)
    fall = 2.0 - 1.0 / (1 + np.exp(-4 * (x + 3)))
    worse = np.where(lrs > 0.2, 0.6 * np.log10(lrs / 0.2), 0)  # +0.18 by 0.6: 18% of the drop
    blow = np.where(lrs > 1.4, np.exp(8 * (lrs - 1.4)) - 1, 0)
    losses = fall + worse + blow + 0.01 * rng.standard_normal(100)
    a = analyze_curve(lrs, losses, momentum=0.9)
    assert a.diverge_lr is not None and a.diverge_lr > 1.0, a.diverge_lr
    assert 0.25 < a.rebound_lr < 0.6, a.rebound_lr
    assert a.to_dict()["rebound_lr"] == a.rebound_lr


def test_rebound_lr_is_not_read_where_the_loss_never_fell_beyond_its_noise():
    """Flat and noisy until the cliff: a rise after a minimum placed by noise is no rebound."""
    rng = np.random.default_rng(1)
    lrs = np.logspace(-7, 1, 100)
    losses = 1.0 + 0.1 * rng.standard_normal(100) + np.where(lrs > 1.0, 20 * (lrs - 1.0), 0)
    assert analyze_curve(lrs, losses, momentum=0.9).rebound_lr is None


def test_a_chance_dip_of_very_noisy_batches_is_not_a_relapse():
    """A random-teacher stream: batch losses from 0.8 to 2.8 at the same LR; a dip of the
    smoothed loss by 20% and a high batch after it are noise, not a fall and a blow-up."""
    rng = np.random.default_rng(0)
    lrs = np.logspace(-7, 0, 90)
    x = np.log10(lrs)
    level = 1.6 - 1.4 / (1 + np.exp(-6 * (x + 1.2)))  # trains from about 0.03
    losses = level * rng.lognormal(0, 0.3, 90) + np.where(lrs > 0.3, 30 * (lrs - 0.3), 0)
    losses[8:11] = 1.0  # a run of easy batches at 1e-6
    losses[12] = 2.8  # then a hard one
    a = analyze_curve(lrs, losses)
    assert a.diverge_lr is not None and a.diverge_lr > 0.05, a.diverge_lr


def test_a_high_batch_the_loss_comes_back_from_is_not_a_blow_up():
    """A noisy curve that never learns beyond its noise, whose smoothed minimum a run of
    easier batches placed early: a batch 2.2x its predecessor at 2e-5, after which the loss
    comes back down, is chance (candidate (40)); the sweep's LR only rises, so a real blow-up
    never comes back."""
    rng = np.random.default_rng(0)
    lrs = np.logspace(-7, 1, 100)
    losses = rng.lognormal(0, 0.15, 100) + np.where(lrs > 2.0, 10 * (lrs - 2.0), 0)
    losses[4:8] = 0.8  # a run of easier batches early: the smoothed minimum
    losses[29], losses[30] = 0.9, 2.0  # a chance high batch at 2e-5
    a = analyze_curve(lrs, losses, momentum=0.9)
    assert a.diverge_method == "growth-rate"
    assert 1.0 < a.diverge_lr < 3.0, a.diverge_lr
