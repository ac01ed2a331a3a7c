"""Score every method on a task: find seeds × training seeds, cached as the runs finish.

A method proposes a plan per *find seed* (its search's model initialisation and data
order); each plan trains on every *training seed*. A method without a search (a fixed
default, an LR-free optimizer) has one plan. Every run is cached in
``benchmarks/results/<task>.json`` under a key that names what produced it (the task file,
the method's code and the peer's version), so a rerun recomputes only what changed, and a
cut-off run loses little. The grid best's re-score on fresh seeds is cached there too.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks import grid, methods, suite
from benchmarks.trivial import trivial_loss
from lrtune.train import evaluate

__all__ = [
    "FIND_SEEDS",
    "RESULTS_DIR",
    "TRAIN_SEEDS",
    "FindScore",
    "MethodScore",
    "TaskReport",
    "evaluate_task",
    "fresh_mean",
]

RESULTS_DIR = Path(__file__).parent / "results"
FIND_SEEDS = (0, 1, 2)
TRAIN_SEEDS = (0, 1, 2)
#: How many of the grid's best cells are re-scored on fresh seeds for the reference.
RESCORE_TOP = 3


@dataclass(frozen=True)
class FindScore:
    """One plan (one find seed) and its val losses over the training seeds."""

    find_seed: int
    lr: float
    val_losses: tuple[float, ...]
    cost_steps: float
    #: lrtune's range test alone (part of ``cost_steps``); ``None`` for the other methods.
    range_test_steps: float | None = None

    @property
    def val(self) -> float:
        return float(np.mean(self.val_losses)) if self.val_losses else math.nan


@dataclass(frozen=True)
class MethodScore:
    """One method on one task: its plans, their runs, and what it noted."""

    method: str
    finds: tuple[FindScore, ...]
    seconds: float
    note: str = ""

    @property
    def val_losses(self) -> tuple[float, ...]:
        return tuple(v for f in self.finds for v in f.val_losses)

    @property
    def val(self) -> float:
        """Mean val loss over every run (inf when one diverged)."""
        return float(np.mean(self.val_losses)) if self.val_losses else math.nan

    @property
    def worst(self) -> FindScore:
        return max(self.finds, key=lambda f: f.val)

    @property
    def peaks(self) -> list[float]:
        """The proposed peak LRs, one per find seed that proposed a finite one."""
        return [f.lr for f in self.finds if f.lr and math.isfinite(f.lr) and f.lr > 0]

    @property
    def lr(self) -> float:
        """Geometric mean of the proposed peak LRs (nan when none)."""
        good = self.peaks
        return float(np.exp(np.mean(np.log(good)))) if good else math.nan

    @property
    def spread(self) -> float:
        """max/min of the proposed LR over the find seeds (nan with one plan or none)."""
        good = self.peaks
        return max(good) / min(good) if len(good) > 1 else math.nan

    @property
    def cost_steps(self) -> float:
        return float(np.mean([f.cost_steps for f in self.finds]))

    @property
    def sem(self) -> float:
        return sem(self.val_losses)


@dataclass(frozen=True)
class TaskReport:
    bench: suite.BenchTask
    cells: tuple[grid.Cell, ...]
    scores: tuple[MethodScore, ...]
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    #: The grid's top cells (by their mean on the grid's seeds), each with its val losses on
    #: fresh seeds (a cell's losses end at its first diverged run).
    rescores: tuple[tuple[grid.Cell, tuple[float, ...]], ...] = ()
    initial: float = math.nan  # the untrained models' val loss (mean over TRAIN_SEEDS)
    #: The best constant prediction's val loss (:mod:`benchmarks.trivial`; nan where none).
    trivial: float = math.nan

    @property
    def best(self) -> grid.Cell:
        return min(self.cells, key=lambda c: c.mean)

    @property
    def reference_cell(self) -> grid.Cell:
        """Of the top cells re-scored on fresh seeds, the one with the lowest mean there."""
        if not self.rescores:
            return self.best
        return min(self.rescores, key=lambda cv: fresh_mean(cv[1]))[0]

    @property
    def rescored(self) -> tuple[float, ...]:
        """The reference cell's val losses on fresh seeds."""
        return dict(self.rescores).get(self.reference_cell, ())

    @property
    def reference(self) -> float:
        """The reference re-scored on fresh seeds: what "ratio to grid best" divides by."""
        return fresh_mean(self.rescored) if self.rescored else self.best.mean

    @property
    def best_inside(self) -> bool:
        """The best cell's LR is neither end of the grid's LR range."""
        lrs = sorted({c.lr for c in self.cells})
        return bool(lrs) and lrs[0] < self.best.lr < lrs[-1]

    @property
    def grid_steps(self) -> int:
        return sum(len(c.val_losses) for c in self.cells) * self.bench.planned_steps

    def score(self, method: str) -> MethodScore | None:
        """``method``'s score on this task (None where it did not run)."""
        return next((s for s in self.scores if s.method == method), None)

    def beats(self, val: float) -> float:
        """Fraction of grid configurations (seed-mean) whose val loss is above ``val``."""
        return float(np.mean([c.mean > val for c in self.cells])) if self.cells else math.nan

    @property
    def baseline(self) -> float:
        """What a run that learnt nothing from its inputs scores: the lower of the untrained
        models' val loss and the best constant prediction's (where there is one)."""
        return min(self.initial, self.trivial) if math.isfinite(self.trivial) else self.initial

    def stalled(self, val: float) -> bool:
        """A finite val loss that kept less than a tenth of the improvement the grid best
        made over :attr:`baseline` (training went nowhere, or only to a constant output)."""
        base = self.baseline
        gain = base - self.reference
        return math.isfinite(val) and gain > 0 and base - val < 0.1 * gain

    def marks(self, values: Sequence[float]) -> str:
        """``†k`` for k diverged runs, ``‡k`` for k stalled ones."""
        diverged = sum(not math.isfinite(v) for v in values)
        stalled = sum(self.stalled(v) for v in values)
        return (f" †{diverged}" if diverged else "") + (f" ‡{stalled}" if stalled else "")


def sem(values: Sequence[float]) -> float:
    """Standard error of the mean (nan with fewer than 2 values or any that is not finite)."""
    if len(values) < 2 or not all(math.isfinite(v) for v in values):
        return math.nan
    return float(np.std(values, ddof=1) / math.sqrt(len(values)))


class _Cache:
    """The runs of one task, in ``<dir>/<task>.json``, saved after every new run."""

    def __init__(self, directory: Path, task: str) -> None:
        self.path = directory / f"{task}.json"
        self.data: dict[str, Any] = (
            json.loads(self.path.read_text()) if self.path.is_file() else {"runs": {}}
        )

    def get(self, key: str) -> dict[str, Any] | None:
        return self.data["runs"].get(key)

    def put(self, key: str, value: dict[str, Any]) -> None:
        self.data["runs"][key] = value
        self._save()

    def prune(self, versions: dict[str, str]) -> None:
        """Drop the runs of these methods made by another version of them (stale)."""
        runs = self.data["runs"]
        stale = [
            key
            for key, run in runs.items()
            if run.get("method") in versions and run.get("version") != versions[run["method"]]
        ]
        for key in stale:
            del runs[key]
        if stale:
            self._save()

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=0, sort_keys=True) + "\n")
        tmp.replace(self.path)


def _key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:20]


def evaluate_task(
    bench: suite.BenchTask,
    *,
    find_seeds: Sequence[int] = FIND_SEEDS,
    train_seeds: Sequence[int] = TRAIN_SEEDS,
    rescore_seeds: Sequence[int] = grid.RESCORE_SEEDS,
    device: str = "cpu",
    method_names: Sequence[str] | None = None,
    results_dir: Path = RESULTS_DIR,
) -> TaskReport:
    """Run the registered methods (all by default) on ``bench``; score them against the grid."""
    cache = _Cache(results_dir, bench.name)
    scores, skipped = [], []
    chosen = [methods.get(n) for n in method_names] if method_names else methods.all_methods()
    versions = {}
    for method in chosen:
        reason = method.unavailable(bench)
        if reason:
            skipped.append((method.name, reason))
            continue
        versions[method.name] = method.version()
        try:
            scores.append(_score(method, bench, find_seeds, train_seeds, device, cache))
        except Exception as exc:  # a method's failure is a finding, not a crash
            skipped.append((method.name, f"failed: {type(exc).__name__}: {exc}"))
    cache.prune(versions)  # runs of an older version of a method that just ran
    cells = tuple(grid.results(bench.name))
    rescores = _rescore(bench, cells, rescore_seeds, cache) if cells else ()
    initial = _initial(bench, train_seeds)
    return TaskReport(
        bench, cells, tuple(scores), tuple(skipped), rescores, initial, trivial_loss(bench)
    )


def _score(
    method: methods.Method,
    bench: suite.BenchTask,
    find_seeds: Sequence[int],
    train_seeds: Sequence[int],
    device: str,
    cache: _Cache,
) -> MethodScore:
    finds, notes, seconds = [], set(), []
    version = method.version()
    for find_seed in find_seeds if method.seeded else find_seeds[:1]:
        plan = None
        losses = []
        lr, cost, sweeps = math.nan, 0.0, None
        for train_seed in train_seeds:
            key = _key(bench.hash, method.name, version, find_seed, train_seed, device)
            run = cache.get(key)
            if run is None:
                plan = plan or method.suggest(bench, find_seed, device=device)
                run = {**_train(bench, plan, train_seed, device), "method": method.name}
                cache.put(key, {**run, "version": version})
            losses.append(math.inf if run["val_loss"] is None else run["val_loss"])
            lr, cost, sweeps = run["lr"], run["cost_steps"], run.get("range_test_steps")
            seconds.append(run["seconds"])
            if run["note"]:
                notes.add(run["note"])
        finds.append(FindScore(find_seed, lr, tuple(losses), cost, sweeps))
    finite = [s for s in seconds if s and math.isfinite(s)]
    return MethodScore(
        method.name,
        tuple(finds),
        float(np.median(finite)) if finite else math.nan,
        "; ".join(sorted(notes)),
    )


def _train(bench: suite.BenchTask, plan: methods.Plan, seed: int, device: str) -> dict[str, Any]:
    lr = plan.lr if plan.lr is not None else math.nan
    if plan.lr is not None and not math.isfinite(plan.lr):
        return {
            "lr": None,
            "val_loss": None,
            "cost_steps": plan.cost_steps,
            "range_test_steps": plan.range_test_steps,
            "seconds": None,
            "note": "no LR suggested",
        }
    start = time.perf_counter()
    result = bench.train(  # the planned updates, also for a run given in max_steps
        lr=None if plan.setup else plan.lr,
        make_scheduler=None if plan.setup else plan.make_scheduler,
        setup=plan.setup,
        steps_per=plan.steps_per,
        seed=seed,
        device=device,
    )
    return {
        "lr": lr if math.isfinite(lr) else None,
        "val_loss": None if result.diverged else result.val_loss,
        "cost_steps": plan.cost_steps,
        "range_test_steps": plan.range_test_steps,
        "seconds": round(time.perf_counter() - start, 3),
        "note": plan.note,
    }


def _rescore(
    bench: suite.BenchTask,
    cells: Sequence[grid.Cell],
    seeds: Sequence[int],
    cache: _Cache,
    top: int = RESCORE_TOP,
) -> tuple[tuple[grid.Cell, tuple[float, ...]], ...]:
    """The ``top`` best cells' val losses on fresh ``seeds`` (each up to its first divergence).

    The grid's best cell is the minimum of many noisy means, so it flatters itself (winner's
    curse); and a best cell at a cliff's edge can blow up on a seed the grid did not try
    (swissroll_mlp_sgd's 1cycle at 0.464 diverged on one of ten fresh seeds, and its next
    best relapsed on another). Re-scoring the top few and keeping the lowest mean sets the
    bar at what the best configuration gives on fresh seeds.
    """
    definition = grid.definition(bench.name)
    out = []
    for cell in sorted(cells, key=lambda c: c.mean)[:top]:
        values = []
        for seed in seeds:
            key = _key(bench.hash, "rescore", definition.setup_hash(cell.shape), cell.lr, seed)
            run = cache.get(key)
            if run is None:
                (loss,) = grid.rescore(bench.name, cell, (seed,))
                run = {
                    "shape": cell.shape,
                    "lr": cell.lr,
                    "seed": seed,
                    "val_loss": loss if math.isfinite(loss) else None,
                }
                cache.put(key, run)
            values.append(math.inf if run["val_loss"] is None else run["val_loss"])
            if run["val_loss"] is None:
                break  # a diverged cell is out: its mean is infinite
        out.append((cell, tuple(values)))
    return tuple(out)


def fresh_mean(values: Sequence[float]) -> float:
    """The mean of a cell's fresh-seed val losses: ``inf`` where one diverged or none ran."""
    return float(np.mean(values)) if values else math.inf


def _initial(bench: suite.BenchTask, seeds: Sequence[int]) -> float:
    """The untrained models' mean val loss (what a stalled run stays near)."""
    import torch

    losses = []
    for seed in seeds:
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            model = bench.model_factory()
        losses.append(evaluate(bench.task, model))
    return float(np.mean(losses))
