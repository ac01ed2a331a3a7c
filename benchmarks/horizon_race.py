"""How a ``--tune`` winner's lead over the rules' proposal changes with the run's length.

For a zoo task and a find seed, runs ``lrtune find --tune`` (and the rules alone); when the
search raced a winner, trains the rules' proposal and the winner with the whole schedule
compressed into several fractions of the planned run (1.0: the full run) on fresh data
orders, and prints the winner's validation loss over the proposal's. A ratio that rises
with the length is the short-horizon bias the race's longer runs look for
(docs/tuning.md, "Confirming the winner").

Usage:
    python -m benchmarks.horizon_race friedman_mlp_adamw --seed 0
    python -m benchmarks.horizon_race logreg_sgd --seed 1 --budget 2 --fractions 0.05 0.1 1.0
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

from benchmarks.suite import load, task_names
from lrtune.api import FindConfig, find
from lrtune.recommend.refine import TuneConfig, trial_schedule
from lrtune.schedules import ScheduleSpec
from lrtune.task import Task
from lrtune.train import train_schedule

__all__ = ["compressed_losses", "ratios", "main"]

DATA_ORDERS = (50, 51, 52)  # no find or trial uses these


def compressed_losses(
    task: Task, spec: ScheduleSpec, *, steps_per_epoch: int, fraction: float, orders: Sequence[int]
) -> list[float]:
    """The final validation loss on each of ``orders`` of ``spec`` with its whole schedule
    compressed into ``fraction`` of its run (``1.0``: the full run)."""
    steps = max(1, round(fraction * spec.to_basis("iteration", steps_per_epoch).total))
    if fraction < 1:
        spec = trial_schedule(spec, steps_per_epoch=steps_per_epoch, factor=fraction)
    epochs = math.ceil(steps / steps_per_epoch)
    return [
        train_schedule(task, spec, epochs=epochs, seed=order, max_steps=steps).val_loss
        for order in orders
    ]


def ratios(
    task: Task, proposal: ScheduleSpec, winner: ScheduleSpec, spe: int, fraction: float
) -> list[float]:
    """winner / proposal validation loss per data order, schedules compressed to ``fraction``."""
    losses = {
        role: compressed_losses(
            task, spec, steps_per_epoch=spe, fraction=fraction, orders=DATA_ORDERS
        )
        for role, spec in (("proposal", proposal), ("winner", winner))
    }
    return [w / p for w, p in zip(losses["winner"], losses["proposal"])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.horizon_race")
    parser.add_argument("task", choices=task_names())
    parser.add_argument("--seed", type=int, default=0, help="the find seed")
    parser.add_argument("--budget", type=float, default=1.0, help="--tune's budget")
    parser.add_argument("--fractions", type=float, nargs="+", default=[0.05, 0.1, 0.2, 0.4, 1.0])
    args = parser.parse_args(argv)
    bench = load(args.task)

    tune = TuneConfig(budget=args.budget)
    tuned = find(bench.find_task(args.seed), config=FindConfig.create(seed=args.seed, tune=tune))
    rec = tuned.recommendation
    race = rec.search.confirmation if rec is not None and rec.search else None
    if race is None or race.get("kind") == "peak-race":
        print(
            f"{args.task} seed {args.seed}: no search race (the proposal scored best, no "
            "search, or the peak race instead; raise --budget)"
        )
        return 0
    rules_config = FindConfig.create(seed=args.seed)
    rules = find(bench.find_task(args.seed), config=rules_config).recommendation
    winner = rec.search.trials[race["trial"]]["params"]
    print(f"{args.task} seed {args.seed}: rules {rules.schedule}")
    print(f"  winner (trial #{race['trial']}, kept: {race['kept']}): {winner}")
    if race["kept"] == "winner":
        challenger = rec.schedule
    else:  # the proposal was kept: rebuild the winner's full-length spec from its trial
        from lrtune.recommend.refine._plan import _plan
        from lrtune.recommend.refine._space import _full_spec

        plan = _plan(rules, tuned.dataset, tune, 0)
        challenger = _full_spec(winner, rules, plan)
    task = bench.find_task(args.seed)
    for fraction in args.fractions:
        r = ratios(task, rules.schedule, challenger, rules.steps_per_epoch, fraction)
        print(f"  {fraction:>5.0%} of the run: winner / proposal = {[round(x, 3) for x in r]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
