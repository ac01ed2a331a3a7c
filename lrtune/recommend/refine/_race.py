"""The confirmation race: the best trial against the proposal, on fresh data orders and
runs four times the trials' length.

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
from lrtune.recommend.refine._study import _best, _finished, _proposal_trial
from lrtune.task import Task

__all__ = ["MARGIN", "_beats", "_confirm", "_gain", "_holds"]

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
    """Race the best trial against the proposal on data orders no trial has seen, on runs
    :data:`._plan.RACE_STRETCH` (4) times the trials' length.

    A short trial's score moves with its data order about as much as between good
    schedules, so the best of several trials is often a lucky one; and a short run favours
    a higher LR than the full run wants (the short-horizon bias), so a winner's lead can
    shrink, and reverse, as runs get longer. Both train again, the whole schedule compressed
    into 4× the trial length, on the same :func:`._plan._race_seeds` fresh data orders
    (``seeds``, at least 2: paired runs). The winner replaces the proposal only if it beats it
    by more than the noise (:func:`_beats`: lower on *every* data order, and lower in the mean
    by more than :data:`MARGIN`, 1%, of the proposal's mean) *and* its lead held as the runs
    grew 4× (:func:`_holds`: its relative gain over the proposal in the race is at least the
    one it had in the trials). The record keeps both sides' values per data order
    (``proposal_values``, ``winner_values``), their means, the ``trial_steps`` and
    ``steps_per_run``, the gains (``trial_gain``, ``gain``) and the ``margin``. ``None`` when
    there is nothing to decide (no trial finished, or a single trial). The study decides
    once: the race's outcome, or that the proposal scored best (``raced: False``), is stored
    in the study, and a resumed run or another process reuses it
    (:mod:`lrtune.recommend._shared`).
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
        longer = plan.stretched()
        record: dict[str, Any] = {
            "trial": best.number,
            "seeds": fresh,
            "steps": 0,
            "trial_steps": plan.trial_steps,
            "steps_per_run": longer.trial_steps,
        }
        winner = _full_spec(best.params, proposal, plan)
        for role, spec in (("proposal", proposal.schedule), ("winner", winner)):
            short = longer.compress(spec)
            values: list[float | None] = []
            for seed in fresh:
                result = _trials._train_short(task, short, longer, seed=seed, device=device)
                record["steps"] += result.steps
                values.append(result.val_loss if math.isfinite(result.val_loss) else None)
            record[f"{role}_values"] = values
            record[role] = _mean(values)
        record["trial_gain"] = _gain(best.value, _proposal_value(study))
        record["gain"] = _gain(record["winner"], record["proposal"])
        record["margin"] = MARGIN
        won = _beats(record["winner_values"], record["proposal_values"]) and _holds(record)
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


def _gain(winner: float | None, proposal: float | None) -> float | None:
    """The winner's relative gain over the proposal, ``(proposal − winner) / |proposal|``
    (``None`` when either is missing or the proposal's is 0).

    Example:
        >>> round(_gain(0.45, 0.5), 3)
        0.1
    """
    if winner is None or proposal is None or proposal == 0:
        return None
    return (proposal - winner) / abs(proposal)


def _holds(record: dict[str, Any]) -> bool:
    """Whether the winner's lead held as the runs grew: its gain in the race is at least
    its gain in the trials (always so when either gain is unknown, e.g. a diverged run).

    A lead that shrinks as runs get longer is what the short-horizon bias looks like: on the
    benchmark's friedman MLP (AdamW) a WSD schedule at 3.4× the rules' peak scored 0.52, 0.58,
    0.75, 0.90 of the rules' validation loss at 5, 10, 20, 40% of the run, and 1.08 after
    the full run.

    Example:
        >>> _holds({"trial_gain": 0.40, "gain": 0.45}), _holds({"trial_gain": 0.40, "gain": 0.3})
        (True, False)
    """
    before, after = record.get("trial_gain"), record.get("gain")
    return before is None or after is None or after >= before


def _proposal_value(study: Any) -> float | None:
    """The proposal's trial value, if it finished."""
    first = _proposal_trial(study)
    value = first.value if first is not None else None
    return value if value is not None and math.isfinite(value) else None


def _mean(values: list[float | None]) -> float | None:
    """The mean, or ``None`` when any value is missing (a diverged run)."""
    if not values or any(v is None for v in values):
        return None
    return sum(values) / len(values)  # type: ignore[arg-type]
