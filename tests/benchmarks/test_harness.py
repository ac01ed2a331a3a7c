"""Smoke tests of the benchmark suite on its smallest task (seconds, no full grid)."""

from __future__ import annotations

import importlib.util
import math
import re

import pytest
import torch

from benchmarks import grid, methods, report, shapes, suite
from lrtune.task import load_task
from lrtune.train import train

TINY = "least_squares"


@pytest.mark.parametrize("name", suite.task_names())
def test_task_files_are_valid_model_py(name):
    task = load_task(suite.TASKS_DIR / name / "model.py")
    assert task.epochs and task.steps_per_epoch and task.val_loader is not None
    assert name in grid.GRIDS


def test_least_squares_diverges_above_two_over_lambda_max():
    bench = suite.load(TINY)
    crit = bench.module.CRITICAL_LR
    assert crit == pytest.approx(2.0 / bench.module.hessian_max_eigenvalue())

    def final(factor: float) -> float:
        make = shapes.build("constant", bench.planned_steps)
        return train(bench.task, lr=factor * crit, make_scheduler=make, seed=0).val_loss

    start = train(bench.task, lr=1e-9, make_scheduler=shapes.build("constant", 2), seed=0)
    assert final(0.95) < start.val_loss < final(1.05)


@pytest.mark.parametrize("shape", shapes.SHAPES)
def test_grid_shape_trains(shape):
    bench = suite.load(TINY)
    result = train(
        bench.task,
        lr=0.05,
        make_scheduler=shapes.build(shape, bench.planned_steps),
        seed=0,
        model_factory=bench.model_factory,
    )
    assert result.steps == bench.planned_steps
    assert math.isfinite(result.val_loss)


def test_onecycle_keeps_plain_sgd_without_momentum():
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=0.1)
    shapes.build("onecycle", 10)(opt)
    assert opt.param_groups[0]["momentum"] == 0


needs_lr_finder = pytest.mark.skipif(
    importlib.util.find_spec("torch_lr_finder") is None,
    reason="torch-lr-finder is a benchmark-only dependency: pip install -e '.[bench]'",
)


@needs_lr_finder
def test_methods_registry_and_peers():
    assert {"default LR + cosine", "torch-lr-finder + cosine", "lrtune"} <= set(methods.names())
    with pytest.raises(ValueError, match="expected one of"):
        methods.get("nope")
    bench = suite.load(TINY)
    assert methods.get("default LR + cosine").suggest(bench, 0).lr == 0.01
    plan = methods.get("torch-lr-finder + cosine").suggest(bench, 0)
    assert plan.lr > 0 and 0 < plan.cost_steps <= 100


@needs_lr_finder
def test_quick_report_on_tiny_task(tmp_path):
    doc = report.run(
        tasks=[TINY],
        quick=True,
        method_names=["default LR + cosine", "torch-lr-finder + onecycle"],
        speed=False,
        doc=tmp_path / "bench.md",
        img=tmp_path / "img" / "b.png",
    )
    text = doc.read_text()
    assert "## least_squares" in text and "| torch-lr-finder + onecycle |" in text
    assert "Grid best: **constant**" in text  # just below 2/λ_max, from the committed cache
    assert "re-scored on fresh seeds" in text and "| grid oracle (constant), re-scored |" in text
    # 2 quick seeds: every finite mean carries its standard error
    assert re.search(r"\| default LR \+ cosine \| [^|]+ \| [\d.e+-]+ ± [\d.e+-]+ \|", text)
    assert (tmp_path / "img" / "b.png").stat().st_size > 0


def test_standard_error_of_a_mean_needs_two_finite_values():
    assert report._sem([1.0, 3.0]) == pytest.approx(1.0)  # std 1.414 / sqrt(2)
    assert math.isnan(report._sem([1.0])) and math.isnan(report._sem([1.0, math.inf]))
    assert report._pm(0.01234) == " ± 0.012" and report._pm(math.nan) == ""


def test_grid_cache_reused_until_forced_or_changed(tmp_path, monkeypatch):
    small = grid.GridDef(0.01, 0.1, n_lrs=2, shapes=("constant",), seeds=(0,))
    monkeypatch.setitem(grid.GRIDS, TINY, small)
    path = tmp_path / "cache.json"
    assert grid.compute([TINY], processes=1, path=path) == 2
    assert grid.missing(TINY, path=path) == 0
    assert grid.compute([TINY], processes=1, path=path) == 0
    assert grid.compute([TINY], processes=1, path=path, force=True) == 2
    cells = grid.results(TINY, path=path)
    assert [c.lr for c in cells] == [0.01, 0.1] and all(math.isfinite(c.mean) for c in cells)
    more_seeds = grid.GridDef(0.01, 0.1, n_lrs=2, shapes=("constant",), seeds=(0, 1))
    monkeypatch.setitem(grid.GRIDS, TINY, more_seeds)
    assert grid.missing(TINY, path=path) == 2  # a new seed keeps the existing entries current
    new_lrs = grid.GridDef(0.01, 0.1, n_lrs=3, shapes=("constant",), seeds=(0, 1, 2))
    monkeypatch.setitem(grid.GRIDS, TINY, new_lrs)
    assert grid.missing(TINY, path=path) == 7  # the cells it shares (0.01, 0.1) stay current
    warmed = grid.GridDef(0.01, 0.1, n_lrs=2, shapes=("constant",), seeds=(0,), basis="epoch")
    monkeypatch.setitem(grid.GRIDS, TINY, warmed)
    assert grid.missing(TINY, path=path) == 2  # another training setup: every cell is stale
