"""The trial plan: the planned run, each trial's share of the budget, and compression.

Every trial runs the whole schedule compressed into its steps (:func:`trial_schedule`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from lrtune.analysis.dataset import DatasetStats
from lrtune.errors import ConfigError
from lrtune.recommend._recommendation import Recommendation
from lrtune.recommend.refine._config import TuneConfig
from lrtune.schedules import ScheduleSpec
from lrtune.schedules._base import check_number, scale_period

__all__ = ["_MIN_TRIAL_STEPS", "_Plan", "_confirm_runs", "_plan", "trial_schedule"]


@dataclass(frozen=True)
class _Plan:
    """The planned run, the steps already spent on it, and what each trial gets."""

    steps_per_epoch: int
    epochs: int
    total_steps: int
    trial_steps: int
    spent: int = 0

    @property
    def factor(self) -> float:
        return self.trial_steps / self.total_steps

    @property
    def trial_epochs(self) -> int:
        """Epochs a trial's run starts (the last one may stop part-way)."""
        return math.ceil(self.trial_steps / self.steps_per_epoch)

    def compress(self, spec: ScheduleSpec) -> ScheduleSpec:
        """``spec`` compressed into a trial's steps (:func:`trial_schedule`)."""
        return trial_schedule(spec, steps_per_epoch=self.steps_per_epoch, factor=self.factor)


def _confirm_runs(config: TuneConfig) -> int:
    """Trial-length runs (per seed) kept for the confirmation: the proposal and the winner."""
    return 2 if config.n_trials > 1 else 0


_MIN_TRIAL_STEPS = 64  # the shortest iteration-basis trial: every schedule's phases fit


def _plan(
    proposal: Recommendation, stats: DatasetStats | None, config: TuneConfig, spent: int
) -> _Plan:
    """The run the proposal was made for (its own length first, else the measured one).

    The trials share the budget less the ``spent`` steps.
    """
    spe = proposal.steps_per_epoch or (stats.steps_per_epoch if stats else None)
    epochs = proposal.epochs or (stats.epochs if stats else None)
    if not spe or not epochs:
        raise ConfigError(
            "tune: expected a known run length (steps per epoch and epochs), got "
            f"steps_per_epoch={spe}, epochs={epochs}; give train_loader a len() and set --epochs"
        )
    total = spe * epochs
    runs = (config.n_trials + _confirm_runs(config)) * config.seeds
    per_trial = int(config.budget * total - spent) // runs
    # an epoch-basis schedule compresses into whole epochs; an iteration-basis one into any
    # number of updates from _MIN_TRIAL_STEPS on, so its trials need not last an epoch (a run
    # given as max_steps is one long "epoch": a floor of one epoch spent 3x the budget there)
    floor = spe if proposal.basis == "epoch" else min(spe, _MIN_TRIAL_STEPS)
    trial_steps = min(max(per_trial, floor, 1), total)
    return _Plan(spe, epochs, total, trial_steps, spent)


def trial_schedule(spec: ScheduleSpec, *, steps_per_epoch: int, factor: float) -> ScheduleSpec:
    """``spec`` compressed by ``factor`` on the iteration basis, for a short trial.

    Every period (the warmup too) is scaled to ``round(period × factor)`` iterations, at least 1,
    so a trial of ``factor × total`` steps runs the whole curve. ReduceLROnPlateau, which has
    no closed form, stays on the epoch basis with its patience scaled.

    Raises:
        ConfigError: the compressed schedule is invalid even without warmup (too few steps).

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> spec = make_schedule("cosine", lr=0.1, total=20, warmup=2, basis="epoch")
        >>> short = trial_schedule(spec, steps_per_epoch=50, factor=0.1)
        >>> short.basis, short.total, short.warmup
        ('iteration', 100, 10)
    """
    check_number("factor", factor, low=0.0, low_open=True, high=1.0)
    if not spec.needs_metric:
        spec = spec.to_basis("iteration", steps_per_epoch)
    changes: dict[str, Any] = {"warmup": scale_period(spec.warmup, factor)}
    for name in spec.period_fields:
        value = getattr(spec, name)
        if isinstance(value, tuple):
            scaled = tuple(scale_period(v, factor) for v in value)
            changes[name] = tuple(sorted(set(scaled)))
        else:
            changes[name] = scale_period(value, factor)
    changes.update(spec._basis_changes(factor))  # e.g. exponential: gamma ** (1 / factor)
    try:
        return spec.replace(**changes)
    except ConfigError:
        try:
            return spec.replace(**{**changes, "warmup": 0})
        except ConfigError as exc:
            raise ConfigError(
                f"tune: a trial is too short for {spec.name} ({exc}); raise --budget or lower "
                "--n-trials"
            ) from None
