"""Could one range-test reading times one constant set the peak better than the rules?

``python -m benchmarks calibrate`` answers it on the zoo, per optimizer family, and writes
docs/calibration.md. For every task with a grid and find seeds 0, 1, 2 it runs lrtune's
range test and rules as ``find`` does, without the stability probe or the horizon check
(``probe=False, check=0``), and keeps each reading: ``diverge_lr``, ``floor_lr``,
``suggested_lr``, ``min_loss_lr``, ``steepest_lr``, ``valley_lr`` and the rules' peak. A
candidate rule is *peak = c × reading* with one constant per family. It is scored by a
proxy, without training: the grid's warmup + cosine validation losses interpolated in
log LR at the candidate's peak, over the grid's best cell (the rules plan warmup + cosine;
peaks outside the grid take its end value). A task's score is its worst find seed, a
family's the geometric mean over its tasks.

Each constant is fitted twice: on the design half, then scored on the held-out half (the
split's own test), and leave-one-task-out over all tasks. The proxy leaves out what the
probe and the check change afterwards, so it compares readings, not final figures.

Readings are cached in ``benchmarks/calibration_cache.json``, keyed by the task file's hash
and lrtune's source hash: a change to either reads again.

Example:
    >>> round(proxy([(0.01, 2.0), (0.1, 1.0), (1.0, 4.0)], 0.1), 6)
    1.0
    >>> round(proxy([(0.01, 2.0), (0.1, 1.0), (1.0, 4.0)], 10.0), 6)  # past the grid's end
    4.0
    >>> round(proxy([(0.01, 2.0), (0.1, 1.0), (1.0, float("inf"))], 1.0), 6)  # diverged
    2.0
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from statistics import geometric_mean

import numpy as np

from benchmarks import grid, zoo
from benchmarks.methods import LrtuneMethod
from benchmarks.suite import load

__all__ = ["READINGS", "collect", "main", "per_task", "proxy", "table"]

ROOT = Path(__file__).resolve().parents[1]
CACHE_PATH = ROOT / "benchmarks" / "calibration_cache.json"
DOC_PATH = ROOT / "docs" / "calibration.md"
SEEDS = (0, 1, 2)
SHAPE = "warmup_cosine"  # the grid's shape closest to the rules' warmup + cosine
#: The readings a candidate may scale (``rules``: the rules' own peak, before probe and check).
READINGS = ("rules", "diverge", "floor", "suggested", "min_loss", "steepest", "valley")
CONSTANTS = tuple(2 ** (k / 4) for k in range(-28, 13))  # 1/128 to 8, in quarter-octaves

Reading = dict[str, "float | str | None"]


def collect(names: Sequence[str], *, path: Path = CACHE_PATH) -> dict[str, list[Reading]]:
    """Each task's readings for find seeds 0, 1, 2 (cached; progress on stdout)."""
    from lrtune.api import FindConfig, find

    version = LrtuneMethod(tune=False).version()
    cache = json.loads(path.read_text()) if path.exists() else {}
    cache = {key: v for key, v in cache.items() if key.endswith(version)}  # older lrtunes' go
    out: dict[str, list[Reading]] = {}
    for name in names:
        bench = load(name)
        out[name] = []
        for seed in SEEDS:
            key = f"{name}:{seed}:{bench.hash}:{version}"
            if key not in cache:
                config = dataclasses.replace(FindConfig.create(seed=seed), probe=False, check=0.0)
                result = find(bench.find_task(seed), config=config)
                a = result.analysis
                cache[key] = {
                    "optimizer": result.optimizer.get("class"),
                    "rules": result.recommendation.initial_lr,
                    "diverge": a.diverge_lr,
                    "floor": a.floor_lr,
                    "suggested": a.suggested_lr,
                    "min_loss": a.min_loss_lr,
                    "steepest": a.steepest_lr,
                    "valley": a.valley_lr,
                }
                path.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
                print(f"calibrate: {name} seed {seed} read", flush=True)
            out[name].append(cache[key])
    return out


def proxy(column: Sequence[tuple[float, float]], peak: float) -> float:
    """The grid column's loss at ``peak`` (log-log interpolation), over its best loss; a
    diverged cell counts as the column's worst finite loss."""
    finite = [loss for _, loss in column if math.isfinite(loss)]
    lrs = np.log([lr for lr, _ in column])
    losses = np.log([loss if math.isfinite(loss) else max(finite) for _, loss in column])
    return float(np.exp(np.interp(math.log(peak), lrs, losses) - losses.min()))


def optimizer_family(optimizer: str) -> str:
    """``SGD``, ``Adam family`` or ``Adagrad/RMSprop`` (the rules' own split)."""
    from lrtune.recommend.rules import ACCUMULATOR_FAMILY, ADAM_FAMILY

    if optimizer in ACCUMULATOR_FAMILY:
        return "Adagrad/RMSprop"
    return "Adam family" if optimizer in ADAM_FAMILY else "SGD"


def table(readings: dict[str, list[Reading]], columns: dict[str, list]) -> list[str]:
    """The markdown rows: per family and reading, the constant fitted on the design half and
    its score on the held-out half, and the leave-one-task-out score over all tasks."""
    rows = []
    for fam, tasks in _families(readings).items():
        design = [t for t in tasks if not zoo.held_out(t)]
        held = [t for t in tasks if zoo.held_out(t)]
        rules = _scorer(readings, columns, "rules")
        as_they_stand = geometric_mean([rules(t, 1.0) for t in held])
        for key in READINGS:
            score = _scorer(readings, columns, key)
            fitted = _fit(score, design)
            loo = [score(t, _fit(score, [u for u in tasks if u != t])) for t in tasks]
            held_scores = [score(t, fitted) for t in held]
            rows.append(
                f"| {fam} | `{key}` | {len(design)} / {len(held)} | {fitted:.3g} | "
                f"{as_they_stand:.2f} | "
                f"{geometric_mean(held_scores):.2f} | {max(held_scores):.3g} | "
                f"{geometric_mean(loo):.2f} | {max(loo):.3g} |"
            )
    return rows


def per_task(readings: dict[str, list[Reading]], columns: dict[str, list]) -> list[str]:
    """The markdown rows, one per task: each reading's score at its family's constant fitted
    on the design half (``rules`` at c = 1: lrtune's peak as it stands)."""
    rows = []
    for fam, tasks in _families(readings).items():
        design = [t for t in tasks if not zoo.held_out(t)]
        scores = {key: _scorer(readings, columns, key) for key in READINGS}
        fitted = {key: _fit(scores[key], design) for key in READINGS[1:]}
        for t in tasks:
            cells = [f"{scores['rules'](t, 1.0):.3g}"]
            cells += [f"{scores[key](t, c):.3g}" for key, c in fitted.items()]
            half = "held out" if zoo.held_out(t) else "design"
            rows.append(f"| {t} | {fam} | {half} | " + " | ".join(cells) + " |")
    return rows


def _families(readings: dict[str, list[Reading]]) -> dict[str, list[str]]:
    """The tasks of each optimizer family, both sorted."""
    families: dict[str, list[str]] = {}
    for task in sorted(readings):
        families.setdefault(optimizer_family(str(readings[task][0]["optimizer"])), []).append(task)
    return dict(sorted(families.items()))


def _scorer(
    readings: dict[str, list[Reading]], columns: dict[str, list], key: str
) -> Callable[[str, float], float]:
    def score(task: str, c: float) -> float:  # the worst find seed; a missing reading: rules'
        peaks = [c * float(r[key] if r[key] is not None else r["rules"]) for r in readings[task]]
        return max(proxy(columns[task], p) for p in peaks)

    return score


def _fit(score: Callable[[str, float], float], tasks: Sequence[str]) -> float:
    return min(CONSTANTS, key=lambda c: geometric_mean([score(t, c) for t in tasks]))


def main(names: Sequence[str] | None = None, *, path: Path = DOC_PATH) -> Path:
    """Read every task with a grid, and write docs/calibration.md."""
    names = [n for n in (names or sorted(grid.GRIDS)) if grid.results(n)]
    readings = collect(names)
    columns = {
        n: sorted((c.lr, c.mean) for c in grid.results(n) if c.shape == SHAPE) for n in names
    }
    lines = [
        "# Calibration: one reading times one constant, per optimizer family",
        "",
        f"Generated by `python -m benchmarks calibrate` on "
        f"{datetime.now().isoformat(timespec='minutes')} over {len(names)} zoo tasks "
        f"(the method is in the docstring of `benchmarks/calibrate.py`). Each row fits "
        "*peak = c × reading* for the family; a score is the grid's warmup + cosine loss at "
        "that peak over the grid's best cell (a proxy: before the stability probe and the "
        "horizon check), for the worst of find seeds 0, 1, 2, and a geometric mean over tasks. "
        "`rules` at c = 1 is lrtune's peak as it stands.",
        "",
        "| family | reading | design / held-out tasks | c fitted on design | held out: "
        "rules as they stand | held out: c × reading | held out: worst task | "
        "leave-one-task-out | its worst task |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        *table(readings, columns),
        "",
        "## Per task",
        "",
        "Each reading at its family's constant fitted on the design half (the `c` above); "
        "`rules` is lrtune's peak as it stands, before the probe and the check.",
        "",
        "| task | family | half | rules | " + " | ".join(f"c × `{k}`" for k in READINGS[1:]) + " |",
        "|---|---|---|" + "---:|" * len(READINGS),
        *per_task(readings, columns),
        "",
    ]
    path.write_text("\n".join(lines))
    return path
