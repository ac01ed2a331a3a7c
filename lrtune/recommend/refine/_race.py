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
from lrtune.recommend.refine._plan import _confirm_runs, _Plan, _race_seeds
from lrtune.recommend.refine._space import _full_spec, _proposal_params
from lrtune.recommend.refine._study import _best, _finished
from lrtune.task import Task

__all__ = ["MARGIN", "_beats", "_confirm"]

#: How much lower (relative to the proposal's mean) the winner's mean must be to replace it.
MARGIN = 0.01


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
    schedules, so the best of several trials is often a lucky one. Both train again at the
    trial length on the same :func:`._plan._race_seeds` fresh data orders (``seeds``, at
    least 2: paired runs), and the winner replaces the proposal only if it beats it by more
    than the noise (:func:`_beats`): lower on *every* data order, and lower in the mean by
    more than :data:`MARGIN` (1%) of the proposal's mean. The record keeps both sides'
    values per data order (``proposal_values``, ``winner_values``), their means and the
    ``margin``. ``None`` when there is nothing to decide (no trial finished, or a single
    trial). The study decides once: the race's outcome, or that the proposal scored best
    (``raced: False``), is stored in the study, and a resumed run or another process reuses
    it (:mod:`lrtune.recommend._shared`).
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
        fresh = list(range(config.seeds, config.seeds + _race_seeds(config)))
        record: dict[str, Any] = {"trial": best.number, "seeds": fresh, "steps": 0}
        winner = _full_spec(best.params, proposal, plan)
        for role, spec in (("proposal", proposal.schedule), ("winner", winner)):
            short = plan.compress(spec)
            values: list[float | None] = []
            for seed in fresh:
                result = _trials._train_short(task, short, plan, seed=seed, device=device)
                record["steps"] += result.steps
                values.append(result.val_loss if math.isfinite(result.val_loss) else None)
            record[f"{role}_values"] = values
            record[role] = _mean(values)
        won = _beats(record["winner_values"], record["proposal_values"])
        record["margin"] = MARGIN
        record["kept"] = "winner" if won else "proposal"
        return record

    return shared_race(
        study,
        race,
        n_trials=config.n_trials,
        shared=config.storage is not None,
        wait_s=race_wait(_finished(study), math.ceil(_confirm_runs(config) / config.seeds)),
    )


def _beats(
    winner: list[float | None], proposal: list[float | None], margin: float = MARGIN
) -> bool:
    """Whether ``winner`` beats ``proposal`` by more than the noise, paired by data order.

    It must score lower on every data order (a diverged run, ``None``, scores worst), and its
    mean must be lower than the proposal's by more than ``margin`` × |the proposal's mean|
    (always so when a proposal run diverged and no winner run did).

    Example:
        >>> _beats([0.50, 0.60], [0.52, 0.62])  # 3.5% lower in the mean, lower on both
        True
        >>> _beats([0.50, 0.60], [0.502, 0.602])  # lower on both, but by only 0.4%
        False
        >>> _beats([0.40, 0.70], [0.52, 0.62])  # lower in the mean, higher on one order
        False
    """
    if not winner or len(winner) != len(proposal) or any(w is None for w in winner):
        return False
    if any(p is not None and w >= p for w, p in zip(winner, proposal)):  # type: ignore[operator]
        return False
    mean_p, mean_w = _mean(proposal), _mean(winner)
    if mean_p is None:
        return True
    return mean_w is not None and mean_p - mean_w > margin * abs(mean_p)


def _mean(values: list[float | None]) -> float | None:
    """The mean, or ``None`` when any value is missing (a diverged run)."""
    if not values or any(v is None for v in values):
        return None
    return sum(values) / len(values)  # type: ignore[arg-type]
