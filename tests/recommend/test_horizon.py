"""Tests for lrtune.recommend.horizon: the full-length overfitting check after a search."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from lrtune.recommend.horizon import detect_overfit, horizon_check, lr_time_fraction
from lrtune.schedules import make_schedule
from lrtune.task import make_task


def _regression(*, noise: float, hidden: int, n_train: int = 32, epochs: int = 40):
    """y = x·w + noise; a wide MLP on few noisy samples overfits, a linear model cannot."""
    g = torch.Generator().manual_seed(0)
    w = torch.randn(8, 1, generator=g)

    def data(n: int) -> torch.utils.data.TensorDataset:
        x = torch.randn(n, 8, generator=g)
        return torch.utils.data.TensorDataset(x, x @ w + noise * torch.randn(n, 1, generator=g))

    torch.manual_seed(0)
    model = (
        nn.Sequential(nn.Linear(8, hidden), nn.ReLU(), nn.Linear(hidden, 1))
        if hidden
        else nn.Linear(8, 1)
    )
    return make_task(
        model=model,
        train_loader=torch.utils.data.DataLoader(data(n_train), batch_size=8, shuffle=True),
        val_loader=torch.utils.data.DataLoader(data(512), batch_size=512),
        criterion=nn.MSELoss(),
        optimizer=lambda p, lr: torch.optim.Adam(p, lr=lr),
        epochs=epochs,
    )


def test_detect_overfit_needs_a_sustained_rise_while_training_loss_falls():
    falling = [1.0, 0.8, 0.6, 0.5, 0.4, 0.35, 0.3, 0.25, 0.2]
    u_shape = [1.0, 0.7, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]
    assert detect_overfit(u_shape, falling) == 3  # the lowest centred 3-epoch mean
    assert detect_overfit(falling, falling) is None  # still improving
    assert detect_overfit(u_shape, u_shape) is None  # both rise: instability, not overfitting
    late = [1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.45, 0.5, 0.55]
    assert detect_overfit(late, falling) is None  # the minimum is in the second half
    small = [1.0, 0.7, 0.5, 0.51, 0.51, 0.52, 0.51, 0.52, 0.52]
    assert detect_overfit(small, falling) is None  # within noise (< 5% above the minimum)
    assert detect_overfit(u_shape[:5], falling[:5]) is None  # too few epochs to tell


def test_lr_time_fraction_integrates_the_schedule():
    cosine = make_schedule("cosine", lr=1.0, total=100, eta_min_ratio=0.0, basis="iteration")
    # ∫ (1 + cos πt)/2 over [0, s] / over [0, 1] = s + sin(πs)/π
    for until, share in ((50, 0.5 + 1 / math.pi), (10, 0.1 + math.sin(0.1 * math.pi) / math.pi)):
        got = lr_time_fraction(cosine, steps_per_epoch=10, until=until, total=100)
        assert got == pytest.approx(share, abs=0.01)
    assert lr_time_fraction(cosine, steps_per_epoch=10, until=100, total=100) == 1.0


def test_horizon_check_lowers_the_lr_of_a_run_that_overfits():
    task = _regression(noise=1.0, hidden=256)
    spec = make_schedule("cosine", lr=0.005, total=40, eta_min_ratio=0.01, basis="epoch")
    result = horizon_check(task, spec, steps_per_epoch=4, epochs=40, fraction=0.5)
    assert result.steps == 80 and len(result.val_losses) == 20
    assert result.overfit and result.best_epoch < 10
    assert min(result.val_losses) < result.val_losses[-1] / 1.1
    assert 1 / 30 <= result.lr_factor < 0.5
    # the lower LR generalises better over the full run than the checked one
    from lrtune.train import train

    def final(lr: float) -> float:
        build = spec.replace(lr=lr).build
        return train(task, make_scheduler=build, lr=lr, steps_per="epoch").val_loss

    assert final(0.005 * result.lr_factor) < final(0.005)


def test_horizon_check_keeps_the_lr_of_a_run_that_does_not_overfit():
    task = _regression(noise=0.1, hidden=0, n_train=256)
    spec = make_schedule("cosine", lr=0.01, total=40, eta_min_ratio=0.01, basis="epoch")
    result = horizon_check(task, spec, steps_per_epoch=32, epochs=40, fraction=0.25)
    assert not result.overfit and result.lr_factor == 1.0
    assert result.to_dict()["overfit"] is False and len(result.to_dict()["val_losses"]) == 10
