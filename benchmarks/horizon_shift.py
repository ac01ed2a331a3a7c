"""How far a compressed run's best peak sits above the full run's, on one zoo task.

``--tune``'s peak race ranks peaks by training the rules' schedule compressed into a fifth of
the run (:func:`lrtune.recommend.refine.trial_schedule`). A short run favours a higher peak
than a long one (Wu et al. arXiv 1803.02021: the short-horizon bias), so the race can mend a
peak that is too low but rarely one that is too high (docs/tuning.md, "Where the race goes
wrong"). This tool measures the shift: it runs ``lrtune find`` (the rules) on a find seed,
trains the proposal's schedule at a ladder of peaks around its own (``--steps`` rungs of
``--rung``× each way), compressed into ``--fraction`` of the run and at full length, on
``--orders`` fresh data orders, and prints each length's mean validation loss per peak, the
best peak of each (the lowest mean, refined by a parabola through it and its neighbours in
log LR), their ratio, and the exponent that ratio implies, ``log(ratio) / log(1 / fraction)``.

Usage:
    python -m benchmarks.horizon_shift charlm_gru
    python -m benchmarks.horizon_shift mlp_rmsprop --seed 1 --fraction 0.15 --json out.json
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from collections.abc import Sequence

from benchmarks import methods
from benchmarks.horizon_race import compressed_losses
from benchmarks.suite import load, task_names
from lrtune.api import find
from lrtune.schedules import ScheduleSpec
from lrtune.task import Task

__all__ = ["best_peak", "ladder_losses", "main"]

DATA_ORDERS = (60, 61, 62, 63)  # no find, race or trial uses these


def ladder_losses(
    task: Task,
    schedule: ScheduleSpec,
    peaks: Sequence[float],
    *,
    steps_per_epoch: int,
    fraction: float,
    orders: Sequence[int],
) -> list[float]:
    """The mean validation loss over ``orders`` at each of ``peaks``, ``schedule`` compressed
    into ``fraction`` of the run (``1.0``: the full run); ``inf`` where a run diverged."""
    means = []
    for peak in peaks:
        losses = compressed_losses(
            task,
            schedule.replace(lr=peak),
            steps_per_epoch=steps_per_epoch,
            fraction=fraction,
            orders=orders,
        )
        means.append(statistics.fmean(losses) if all(map(math.isfinite, losses)) else math.inf)
    return means


def best_peak(peaks: Sequence[float], losses: Sequence[float]) -> float:
    """The peak of the lowest loss, refined by a parabola in log LR through it and its two
    neighbours (the rung itself at either end of the ladder, or where the fit has no minimum
    between them).

    Example:
        >>> best_peak([0.1, 0.2, 0.4], [2.0, 1.0, 2.0])
        0.2
        >>> round(best_peak([0.1, 0.2, 0.4], [3.0, 1.0, 2.0]), 3)
        0.224
    """
    i = min(range(len(losses)), key=losses.__getitem__)
    if i == 0 or i == len(losses) - 1 or not all(map(math.isfinite, losses[i - 1 : i + 2])):
        return peaks[i]
    x = [math.log(p) for p in peaks[i - 1 : i + 2]]
    y = losses[i - 1 : i + 2]
    h = (x[2] - x[0]) / 2
    curvature = y[0] - 2 * y[1] + y[2]
    if curvature <= 0:
        return peaks[i]
    return math.exp(x[1] + h * (y[0] - y[2]) / (2 * curvature))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.horizon_shift")
    parser.add_argument("task", choices=task_names())
    parser.add_argument("--seed", type=int, default=0, help="the find seed")
    parser.add_argument("--fraction", type=float, default=0.2, help="the compressed length")
    parser.add_argument("--rung", type=float, default=math.sqrt(2), help="the ladder's step")
    parser.add_argument("--steps", type=int, default=6, help="rungs each way of the proposal")
    parser.add_argument("--orders", type=int, default=2, choices=range(1, len(DATA_ORDERS) + 1))
    parser.add_argument("--json", help="append the measurement to this JSON file")
    args = parser.parse_args(argv)
    if not 0 < args.fraction < 1:
        parser.error(f"--fraction: expected a number in (0, 1), got {args.fraction}")
    bench = load(args.task)
    config = methods.lrtune_config(args.seed, tune=False)
    rec = find(bench.find_task(args.seed), config=config).recommendation
    if rec is None or not rec.steps_per_epoch or not rec.epochs:
        print(f"{args.task}: find made no plan with a run length", file=sys.stderr)
        return 1
    peaks = [rec.schedule.lr * args.rung**k for k in range(-args.steps, args.steps + 1)]
    task = bench.find_task(args.seed)
    orders = DATA_ORDERS[: args.orders]
    best = {}
    print(f"{args.task} find seed {args.seed}: proposal {rec.schedule}")
    for fraction in (args.fraction, 1.0):
        losses = ladder_losses(
            task,
            rec.schedule,
            peaks,
            steps_per_epoch=rec.steps_per_epoch,
            fraction=fraction,
            orders=orders,
        )
        best[fraction] = best_peak(peaks, losses)
        row = "  ".join(f"{p:.3g}: {v:.4g}" for p, v in zip(peaks, losses))
        print(f"  {fraction:>4.0%} of the run: {row}\n        best peak {best[fraction]:.4g}")
    ratio = best[args.fraction] / best[1.0]
    exponent = math.log(ratio) / math.log(1 / args.fraction)
    print(f"  compressed best / full best = {ratio:.3g}; exponent {exponent:.3f}")
    if args.json:
        try:
            with open(args.json) as f:
                records = json.load(f)
        except FileNotFoundError:
            records = []
        records.append(
            {
                "task": args.task,
                "seed": args.seed,
                "fraction": args.fraction,
                "proposal": rec.schedule.lr,
                "best_compressed": best[args.fraction],
                "best_full": best[1.0],
                "ratio": ratio,
                "exponent": exponent,
            }
        )
        with open(args.json, "w") as f:
            json.dump(records, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
