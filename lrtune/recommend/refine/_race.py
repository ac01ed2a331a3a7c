"""The confirmation race: the best trial against the proposal, on fresh data orders.

The study decides once; the outcome is shared through the study
(:mod:`lrtune.recommend._shared`).
"""

from __future__ import annotations

import math
from typing import Any

import torch

from lrtune.recommend._recommendation import Recommendation
from lrtune.recommend._shared import RACE_KEY, race_wait, shared_race, stored_race
from lrtune.recommend.refine import _trials
from lrtune.recommend.refine._config import TuneConfig
from lrtune.recommend.refine._plan import _confirm_runs, _Plan
from lrtune.recommend.refine._space import _full_spec, _proposal_params
from lrtune.recommend.refine._study import _best, _finished
from lrtune.task import Task

__all__ = ["_confirm"]


def _confirm(
    study: Any,
    task: Task,
    proposal: Recommendation,
    plan: _Plan,
    config: TuneConfig,
    device: str | torch.device,
) -> dict[str, Any] | None:
    """Race the best trial against the proposal on data orders no trial has seen.

    A short trial's score moves with its data order about as much as between good
    schedules, so the best of several trials is often a lucky one. The winner replaces the
    proposal only if it also scores better, as the mean over ``config.seeds`` fresh data
    orders, at the trial length. ``None`` when there is nothing to decide (no trial
    finished, or a single trial). The study decides once: the race's outcome, or that the
    proposal scored best (``raced: False``), is stored in the study, and a resumed run or
    another process reuses it (:mod:`lrtune.recommend._shared`).
    """
    stored = stored_race(study, config.n_trials)
    if stored is not None:
        return stored
    best = _best(study)
    if best is None or not _confirm_runs(config):
        return None
    if best.params == _proposal_params(proposal, plan):
        decision = {"trial": best.number, "kept": "proposal", "raced": False, "value": best.value}
        study.set_user_attr(RACE_KEY, {**decision, "n_trials": config.n_trials})
        return {**decision, "n_trials": config.n_trials}

    def race() -> dict[str, Any]:
        fresh = range(config.seeds, 2 * config.seeds)
        record: dict[str, Any] = {"trial": best.number, "seeds": list(fresh), "steps": 0}
        winner = _full_spec(best.params, proposal, plan)
        for role, spec in (("proposal", proposal.schedule), ("winner", winner)):
            short = plan.compress(spec)
            values = []
            for seed in fresh:
                result = _trials._train_short(task, short, plan, seed=seed, device=device)
                record["steps"] += result.steps
                values.append(result.val_loss)
            mean = sum(values) / len(values)
            record[role] = mean if math.isfinite(mean) else None
        won = record["winner"] is not None and (
            record["proposal"] is None or record["winner"] < record["proposal"]
        )
        record["kept"] = "winner" if won else "proposal"
        return record

    return shared_race(
        study,
        race,
        n_trials=config.n_trials,
        shared=config.storage is not None,
        wait_s=race_wait(_finished(study)),
    )
