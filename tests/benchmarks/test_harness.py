"""Smoke tests of the benchmark suite on its smallest task (seconds, no full grid)."""

from __future__ import annotations

import importlib.util
import math
import re

import pytest
import torch

from benchmarks import grid, methods, report, shapes, suite
from lrtune.model_file import load_task
from lrtune.task import loader_length
from lrtune.train import train

TINY = "least_squares"


@pytest.mark.parametrize("name", suite.task_names())
def test_task_files_are_valid_model_py(name):
    task = load_task(suite.TASKS_DIR / name / "model.py")
    assert (task.epochs and task.steps_per_epoch) or task.max_steps  # planned either way
    assert task.val_loader is not None
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


STREAM = "stream_iterable_adagrad"  # the run given in max_steps, over a loader without len


def test_max_steps_task_trains_its_planned_updates_on_a_stream():
    bench = suite.load(STREAM)
    assert loader_length(bench.task.train_loader) is None and bench.task.epochs is None
    assert bench.planned_steps == bench.task.max_steps == 2000

    def run(seed: int, steps_per: str = "iteration"):
        make = shapes.build("cosine", bench.planned_steps)
        return bench.train(lr=0.03, make_scheduler=make, seed=seed, steps_per=steps_per)

    first = run(0)
    assert first.steps == bench.planned_steps and math.isfinite(first.val_loss)
    assert run(0).val_loss == first.val_loss  # a fresh pass over the stream per run
    assert run(1).val_loss != first.val_loss  # the stream follows the seed
    assert run(0, "epoch").steps == bench.planned_steps  # the run is one "epoch"
    reason = methods.get("fastai valley + cosine").unavailable(bench)
    assert reason and "len(train_loader)" in reason
    other = methods.get("fastai valley + cosine").unavailable(suite.load(TINY))
    assert "len(train_loader)" not in (other or "")  # a loader with len: fastai may run


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
    run = dict(
        tasks=[TINY],
        quick=True,
        method_names=["default LR + cosine", "torch-lr-finder + onecycle"],
        speed=False,
        doc=tmp_path / "bench.md",
        img=tmp_path / "img" / "b.png",
        results_dir=tmp_path / "results",
    )
    doc = report.run(**run)
    text = doc.read_text()
    assert "## least_squares" in text and "| torch-lr-finder + onecycle |" in text
    assert "Grid best: **constant**" in text  # just below 2/λ_max, from the committed cache
    assert "(inside the grid)" in text and "re-scored on fresh seeds" in text
    # the summary: one row per task, a ratio · beats · worst-find-seed cell per searching method
    row = next(line for line in text.splitlines() if line.startswith("| least_squares |"))
    assert re.search(r"\| [\d.]+ · \d+% · w [\d.]+( †\d)?( ‡\d)? \|$", row), row
    assert "| torch-lr-finder + onecycle | design | 1 |" in text  # the by-half view
    assert (tmp_path / "img" / "b.png").stat().st_size > 0
    # every run is cached: a second report trains nothing
    cached = (tmp_path / "results" / f"{TINY}.json").read_text()
    assert "_Not run (--no-speed)._" in text  # no speed figure measured yet
    # a --no-speed run keeps the speed section the last full run measured
    measured = "| task | bare loop steps/s |\n|---|---:|\n| digits_cnn | 124.7 |"
    doc.write_text(text.replace("_Not run (--no-speed)._", measured))
    report.run(**run)
    assert (tmp_path / "results" / f"{TINY}.json").read_text() == cached
    assert measured in doc.read_text() and "_Not run" not in doc.read_text()


def test_wsd_shape_warms_holds_and_cools_down():
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=1.0)
    sched = shapes.build("wsd", 100)(opt)
    lrs = []
    for _ in range(100):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert lrs[0] == pytest.approx(1 / 6) and lrs[4] == pytest.approx(5 / 6)  # 5 warmup steps
    assert lrs[5] == lrs[79] == 1.0  # stable until the last 20%
    assert lrs[80] == 1.0 and lrs[84] == pytest.approx(1 - (4 / 20) ** 0.5)
    assert lrs[-1] == pytest.approx(1 - (19 / 20) ** 0.5)


def test_reference_is_the_lowest_of_the_top_cells_on_fresh_seeds(tmp_path, monkeypatch):
    """A grid best at a cliff's edge (swissroll_mlp_sgd: 1cycle at 0.464 diverged on one of
    ten fresh seeds, its next best relapsed on another) cannot be the bar every ratio divides
    by: of the top three re-scored, the lowest fresh-seed mean is."""
    from benchmarks import evaluate, render

    cliff = grid.Cell("onecycle", 0.464, (0.0007, 0.0008, 0.0007))
    relapse = grid.Cell("wsd", 0.215, (0.0010, 0.0011, 0.0009))
    steady = grid.Cell("warmup_cosine", 0.215, (0.0014, 0.0015, 0.0016))
    worse = grid.Cell("cosine", 0.1, (0.0057, 0.0058, 0.0056))
    trained = []

    def rescore(name, cell, seeds):
        (seed,) = seeds
        trained.append((cell.shape, seed))
        if cell is cliff and seed == 101:
            return (math.inf,)
        if cell is relapse and seed == 102:
            return (0.5,)
        return (cell.mean * (1 + 0.01 * (seed - 100)),)

    monkeypatch.setattr(grid, "rescore", rescore)
    bench = suite.load(TINY)
    cache = evaluate._Cache(tmp_path, TINY)
    cells = (worse, cliff, steady, relapse)
    rescores = evaluate._rescore(bench, cells, (100, 101, 102), cache)
    assert [c for c, _ in rescores] == [cliff, relapse, steady]  # the top three; not `worse`
    assert dict(rescores)[cliff] == (pytest.approx(0.000733, rel=1e-3), math.inf)  # stopped
    assert len(trained) == 2 + 3 + 3

    r = evaluate.TaskReport(bench, cells, (), (), rescores, 1.0)
    assert r.best is cliff and r.reference_cell is steady
    assert r.reference == pytest.approx(0.0015 * 1.01)
    text = "\n".join(render.task_section(r))
    assert "Reference: **warmup_cosine** at **0.215**, **0.001515** re-scored" in text
    assert "the others: onecycle at 0.464 diverged; wsd at 0.215 0.1673" in text
    # a second look reads the cache and trains nothing
    trained.clear()
    assert evaluate._rescore(bench, cells, (100, 101, 102), cache) == rescores
    assert trained == []


def test_the_range_test_cost_is_reported_apart_on_long_runs():
    """The range test's own steps are a share of the planned run, judged against 0.15 on runs
    of 1,000 steps or more; shorter runs, and cache entries written before the field, are
    not judged."""
    from types import SimpleNamespace

    from benchmarks import evaluate, render

    def report(name, planned, steps):
        finds = tuple(
            evaluate.FindScore(seed, 0.01, (1.0,), 2 * (n or 0), n) for seed, n in enumerate(steps)
        )
        bench = SimpleNamespace(name=name, planned_steps=planned)
        return evaluate.TaskReport(bench, (), (evaluate.MethodScore("lrtune", finds, 1.0),))

    lines = render.range_test_view(
        [
            report("long_cheap", 2000, (200, 300, 250)),
            report("long_dear", 1000, (120, 151, 100)),
            report("short", 400, (300, 300, 300)),
            report("old_entries", 3000, (None, None, None)),
        ]
    )
    assert "| long_cheap | 2,000 | 200, 300, 250 | 0.15 | yes |" in lines
    assert "| long_dear | 1,000 | 120, 151, 100 | 0.15 | no |" in lines  # 0.151: the worst
    assert "| old_entries | 3,000 | – | – | – |" in lines
    assert not any("short" in line for line in lines)
    assert lines[-1].startswith("| **1 of 2 meet it**")


def test_lrtune_plan_counts_its_range_test_within_its_cost():
    plan = methods._lrtune_plan.__wrapped__(TINY, 0, "cpu", False)
    assert methods.LrtuneMethod.STATS_BATCHES < plan.range_test_steps <= plan.cost_steps


def test_peers_view_counts_the_wins_and_says_why_each_loss():
    from types import SimpleNamespace

    from benchmarks import evaluate, render_peers

    def score(method, lr, losses):
        finds = tuple(
            evaluate.FindScore(seed, lr * (1 + seed / 10), losses, 0) for seed in range(3)
        )
        return evaluate.MethodScore(method, finds, 1.0)

    cells = tuple(
        grid.Cell(shape, lr, (loss,))
        for shape in ("cosine", "constant")
        for lr, loss in ((0.01, 1.0), (0.1, 0.5), (1.0, 2.0))
    )

    def task(name, ours, peer):
        return evaluate.TaskReport(
            SimpleNamespace(name=name), cells, (ours, score("Prodigy", 0.1, peer)), initial=3.0
        )

    low = task("too_low", score("lrtune", 0.01, (0.8, 0.8, 0.8)), (0.6, 0.6, 0.6))
    won = task("won", score("lrtune", 0.1, (0.5, 0.5, 0.5)), (0.6, 0.6, 0.6))
    tie = task("tie", score("lrtune", 0.1, (0.505, 0.505, 0.505)), (0.5, 0.5, 0.5))
    stalled = task("stalled", score("lrtune", 0.1, (2.9, 0.5, 0.5)), (0.5, 0.5, 0.5))
    lines = render_peers.peers_view([low, won, tie, stalled])
    assert lines[0].startswith("lrtune's rules beat every peer on **1 of 4 tasks**")
    rows = {
        line.split(" | ")[0][2:]: line
        for line in lines
        if line.startswith("| ") and "---" not in line
    }
    assert "won" not in rows
    assert rows["too_low"].endswith("| peak too low (0.1–0.12× the grid's best cosine peak) |")
    assert rows["tie"].endswith("| within 2% of the best peer |")
    assert rows["stalled"].endswith("| 3 runs stalled |")  # one loss per find seed: 2.9 stalls


def test_lrtune_rows_are_keyed_by_the_machines_arithmetic(monkeypatch):
    from benchmarks import machine

    fp = machine.fingerprint()
    assert re.fullmatch(r"[0-9a-f]{12}", fp)
    lrtune = methods.get("lrtune")
    assert lrtune.version().endswith(f" machine {fp}")
    # a machine whose training bits differ gets another key, so lrtune's rows are re-run there
    machine.fingerprint.cache_clear()
    monkeypatch.setattr(machine, "_torch_bits", lambda: "other bits")
    try:
        assert machine.fingerprint() != fp and lrtune.version().split()[-1] != fp
        assert "machine" not in methods.get("default LR + cosine").version()  # the peers'
        assert "machine" not in methods.get("torch-lr-finder + cosine").version()
    finally:
        machine.fingerprint.cache_clear()


def test_the_fingerprint_is_the_same_in_a_fresh_process_and_leaves_the_rng_alone():
    import subprocess
    import sys

    from benchmarks import machine

    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    machine.fingerprint.cache_clear()
    fp = machine.fingerprint()
    assert torch.equal(torch.rand(3), expected)
    code = "from benchmarks.machine import fingerprint; print(fingerprint())"
    root = str(suite.TASKS_DIR.parents[1])
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
    assert out.stdout.strip() == fp, out.stderr
