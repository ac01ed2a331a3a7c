"""Tests for lrtune.analysis.dataset: sizes, noise statistics, optimizer settings, state."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch
from torch import nn

from lrtune.analysis.dataset import DatasetStats, dataset_stats
from lrtune.analysis.noise import grad_noise_scale
from lrtune.errors import ConfigError
from lrtune.task import make_task


def _regression(
    *, n: int = 96, batch: int = 16, sigma: float = 0.1, d: int = 4, replacement: bool = False
):
    """y = x·w* + σ·noise; a bias-free linear model at w* + 1 (so the gradient is not zero)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, d, generator=g)
    w_star = torch.randn(d, 1, generator=g)
    y = x @ w_star + sigma * torch.randn(n, 1, generator=g)
    model = nn.Linear(d, 1, bias=False)
    with torch.no_grad():
        model.weight.copy_(w_star.T + 1.0)
    data = torch.utils.data.TensorDataset(x, y)
    sampler = torch.utils.data.RandomSampler(data, replacement=replacement, num_samples=n)
    loader = torch.utils.data.DataLoader(data, batch_size=batch, sampler=sampler)
    return model, x, y, loader


def test_dataset_stats_sizes_exact():
    model, _, _, loader = _regression(n=100, batch=16)
    task = make_task(model=model, train_loader=loader, criterion=nn.MSELoss(), epochs=3)
    stats = dataset_stats(task)
    assert (stats.n_samples, stats.batch_size, stats.steps_per_epoch) == (100, 16, 7)
    assert (stats.epochs, stats.total_steps) == (3, 21)
    assert stats.passes_per_sample == pytest.approx(21 * 16 / 100)
    assert dataset_stats(task, epochs=10).total_steps == 70


def test_dataset_stats_unknown_sizes_are_none():
    batches = [(torch.randn(4, 2), torch.randn(4, 1)) for _ in range(3)]
    task = make_task(model=nn.Linear(2, 1), train_loader=iter(batches), criterion=nn.MSELoss())
    stats = dataset_stats(task)
    assert stats.n_samples is None and stats.steps_per_epoch is None
    assert stats.total_steps is None and stats.passes_per_sample is None and stats.epochs is None
    assert stats.loss_noise is not None


def test_dataset_stats_optimizer_settings():
    model, _, _, loader = _regression()
    adam = make_task(
        model=model,
        train_loader=loader,
        criterion=nn.MSELoss(),
        optimizer=lambda p, lr: torch.optim.AdamW(p, lr=lr, betas=(0.8, 0.95), weight_decay=0.1),
    )
    stats = dataset_stats(adam)
    assert (stats.optimizer, stats.momentum, stats.beta2, stats.weight_decay) == (
        "AdamW",
        0.8,
        0.95,
        0.1,
    )
    sgd = make_task(
        model=model,
        train_loader=loader,
        criterion=nn.MSELoss(),
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
    )
    stats = dataset_stats(sgd)
    assert (stats.optimizer, stats.momentum, stats.beta2, stats.weight_decay) == (
        "SGD",
        0.9,
        None,
        0.0,
    )


def test_dataset_stats_loss_noise_is_relative_std():
    batches = [(torch.zeros(2, 1), torch.full((2, 1), v)) for v in (1.0, 2.0, 3.0)]
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.zero_()
        model.bias.zero_()
    task = make_task(model=model, train_loader=batches, criterion=nn.MSELoss())
    losses = np.array([1.0, 4.0, 9.0])
    expected = losses.std(ddof=1) / losses.mean()
    assert dataset_stats(task).loss_noise == pytest.approx(expected)
    assert dataset_stats(task, n_batches=1).loss_noise is None


def test_grad_noise_scale_estimator_exact_on_expectations():
    g2, trace = 2.0, 30.0
    small, big = g2 + trace / 8, g2 + trace / 64
    assert grad_noise_scale(small, big, 8, 64) == pytest.approx(trace / g2)
    assert grad_noise_scale(1.0, 2.0, 8, 64) is not None  # tr(Σ) < 0 is clipped to 0
    assert grad_noise_scale(1.0, 2.0, 8, 64) == 0.0
    assert grad_noise_scale(10.0, 0.0, 8, 64) is None  # |G|² estimate < 0
    with pytest.raises(ConfigError):
        grad_noise_scale(1.0, 1.0, 8, 8)


def test_dataset_stats_grad_noise_scale_matches_exact_value():
    model, x, y, loader = _regression(n=4096, batch=32, sigma=0.5, replacement=True)
    # Per-sample gradients of (w·x − y)²: 2(w·x − y)x; exact G and tr(Σ) over the dataset.
    with torch.no_grad():
        per_sample = 2 * (x @ model.weight.T - y) * x
    exact = float(per_sample.var(0, unbiased=False).sum() / per_sample.mean(0).pow(2).sum())
    task = make_task(model=model, train_loader=loader, criterion=nn.MSELoss())
    estimate = dataset_stats(task, n_batches=128).grad_noise_scale
    assert estimate == pytest.approx(exact, rel=0.15)


def test_dataset_stats_grad_noise_scale_grows_with_label_noise():
    scales = []
    for sigma in (0.1, 3.0):
        model, _, _, loader = _regression(n=1024, batch=32, sigma=sigma)
        task = make_task(model=model, train_loader=loader, criterion=nn.MSELoss())
        scales.append(dataset_stats(task, n_batches=16).grad_noise_scale)
    assert scales[0] is not None and scales[1] is not None
    assert scales[1] > 2 * scales[0]


def test_dataset_stats_leaves_state_unchanged_bitwise():
    torch.manual_seed(5)
    model = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Dropout(0.3), nn.Linear(8, 1))
    model.eval()
    model[0].weight.grad = torch.ones_like(model[0].weight)
    data = torch.utils.data.TensorDataset(torch.randn(64, 3), torch.randn(64, 1))
    loader = torch.utils.data.DataLoader(data, batch_size=8, shuffle=True)
    task = make_task(model=model, train_loader=loader, criterion=nn.MSELoss(), epochs=2)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    grads = {n: None if p.grad is None else p.grad.clone() for n, p in model.named_parameters()}
    rng = (torch.get_rng_state(), np.random.get_state()[1].copy(), random.getstate())
    stats = dataset_stats(task, seed=3)
    assert stats.loss_noise is not None
    after = model.state_dict()
    assert all(torch.equal(v, after[k]) for k, v in state.items())
    for name, param in model.named_parameters():
        saved = grads[name]
        assert (param.grad is None) == (saved is None)
        assert saved is None or torch.equal(saved, param.grad)
    assert not any(m.training for m in model.modules())
    assert torch.equal(rng[0], torch.get_rng_state())
    assert np.array_equal(rng[1], np.random.get_state()[1]) and rng[2] == random.getstate()
    assert dataset_stats(task, seed=3) == stats  # same batches, same numbers


def test_dataset_stats_round_trip_and_bad_options():
    stats = DatasetStats(n_samples=10, batch_size=2, grad_noise_scale=1.5, optimizer="SGD")
    assert DatasetStats.from_dict({**stats.to_dict(), "future_key": 1}) == stats
    model, _, _, loader = _regression()
    task = make_task(model=model, train_loader=loader, criterion=nn.MSELoss())
    with pytest.raises(ConfigError, match="n_batches"):
        dataset_stats(task, n_batches=0)
    with pytest.raises(ConfigError, match="epochs"):
        dataset_stats(task, epochs=0)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda stats: stats.with_max_steps(0), "max_steps"),
        (lambda stats: stats.with_accumulation(True), "accumulation"),
    ],
)
def test_counts_that_must_be_positive_ints_say_so_in_the_shared_form(call, name):
    with pytest.raises(ConfigError, match=rf"^{name}: expected a positive int, got "):
        call(DatasetStats(steps_per_epoch=10, epochs=2))
