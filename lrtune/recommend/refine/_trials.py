"""One trial: its evaluation set, its training runs (one per seed) and pruning.

The confirmation race (:mod:`lrtune.recommend.refine._race`) trains through
:func:`_train_short` here too, looked up on this module.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from typing import Any

import torch

from lrtune.recommend.refine._config import TuneConfig
from lrtune.recommend.refine._plan import _Plan
from lrtune.schedules import ScheduleSpec
from lrtune.state import preserved_state
from lrtune.task import Task
from lrtune.train import train_schedule

__all__ = ["_eval_task", "_reporter", "_run_trial", "_train_short"]

_HELD_OUT_BATCHES = 8


def _eval_task(task: Task, seed: int) -> Task:
    """The task as trials see it: with a fixed evaluation set when there is no val_loader.

    Without ``val_loader``, trials are scored on the first ``_HELD_OUT_BATCHES`` batches of
    ``train_loader``, drawn once (after ``torch.manual_seed(seed)``) and kept in memory, so
    every trial is scored on the same samples. They are not removed from training.
    """
    if task.val_loader is not None:
        return task
    with preserved_state(task.model):
        torch.manual_seed(seed)
        held_out = tuple(itertools.islice(task.train_loader, _HELD_OUT_BATCHES))
    return dataclasses.replace(task, val_loader=held_out)


def _run_trial(
    trial: Any,
    task: Task,
    spec: ScheduleSpec,
    plan: _Plan,
    config: TuneConfig,
    device: str | torch.device,
) -> float:
    """Train every seed of one trial; report to the pruner; return the mean val loss."""
    short = plan.compress(spec)
    epochs = plan.trial_epochs
    steps_before = 0
    values = []
    for index in range(config.seeds):
        report = _reporter(
            trial,
            plan,
            seed_index=index,
            seeds=config.seeds,
            epochs=epochs,
            steps_before=steps_before,
        )
        result = _train_short(task, short, plan, seed=index, device=device, report=report)
        steps_before += result.steps
        trial.set_user_attr("steps", steps_before)
        values.append(result.val_loss)
    return sum(values) / len(values)


def _train_short(
    task: Task,
    short: ScheduleSpec,
    plan: _Plan,
    *,
    seed: int,
    device: str | torch.device,
    report: Callable[[int, float], None] | None = None,
) -> Any:
    """One run of ``plan.trial_steps`` steps (a trial's, or the race's with
    :meth:`_Plan.stretched`) under ``short`` (a :meth:`_Plan.compress`-ed spec), data order
    ``seed``."""
    return train_schedule(
        task,
        short,
        epochs=plan.trial_epochs,
        seed=seed,
        device=device,
        max_steps=plan.trial_steps,
        report=report,
    )


def _reporter(
    trial: Any, plan: _Plan, *, seed_index: int, seeds: int, epochs: int, steps_before: int
) -> Callable[[int, float], None]:
    """``train``'s per-epoch callback: record the steps run, report, prune if told to.

    Report steps run over the seeds in turn (``seed_index × epochs + epoch``); the last
    report of a trial is never pruned (the trial is finished anyway). A trial shorter than
    an epoch (``epochs`` 1) reports once per seed, at its end, with the steps it ran.
    """
    import optuna

    last = epochs * seeds - 1

    def report(epoch: int, val_loss: float) -> None:
        step = seed_index * epochs + epoch
        run = min((epoch + 1) * plan.steps_per_epoch, plan.trial_steps)
        trial.set_user_attr("steps", steps_before + run)
        trial.report(val_loss if math.isfinite(val_loss) else math.inf, step)
        if step < last and trial.should_prune():
            raise optuna.TrialPruned(f"pruned after epoch {epoch} of seed {seed_index}")

    return report
