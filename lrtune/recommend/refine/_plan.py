"""The trial plan: the planned run, each trial's share of the budget, and compression.

Every trial's run trains the same number of steps, at least :data:`_MIN_TRIAL_STEPS`
updates (one epoch when epochs are shorter), the confirmation race's runs
:data:`RACE_STRETCH` times as many and at least :data:`RACE_MIN_FRACTION` of the run, and
together with the horizon check they never spend more than the budget: when it cannot give
every run that floor, fewer trials run, and none when fewer than two fit.
Every trial runs the whole schedule compressed into its steps (:func:`trial_schedule`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

from lrtune.analysis.dataset import DatasetStats
from lrtune.errors import ConfigError
from lrtune.recommend._recommendation import Recommendation
from lrtune.recommend.refine._config import TuneConfig
from lrtune.schedules import ScheduleSpec
from lrtune.schedules._base import check_number, scale_period

__all__ = [
    "RACE_MIN_FRACTION",
    "RACE_STRETCH",
    "_MIN_TRIAL_STEPS",
    "_Plan",
    "_confirm_runs",
    "_plan",
    "_race_seeds",
    "_refit",
    "trial_schedule",
]

_MIN_TRIAL_STEPS = 64  # the shortest trial: every schedule's phases fit
_RACE_SEEDS = 2  # fresh data orders per side of the race, at least: one cannot show noise
#: The race's runs last this many trial lengths: a winner's advantage must hold as runs grow.
RACE_STRETCH = 4
#: The shortest race run, as a fraction of the planned run: a lead seen only on shorter runs
#: says little about the full one (on the benchmark's friedman MLP a winner's lead still grew
#: from 2.5% to 10% of the run, and the full run reversed it).
RACE_MIN_FRACTION = 0.15


@dataclass(frozen=True)
class _Plan:
    """The planned run, the steps already spent on it, and what the search gets.

    ``n_trials`` is how many trials the budget fits (at most the ``asked`` ones; 0: none, no
    search), each run lasting ``trial_steps`` (at least ``floor``); ``fit_budget`` is the
    smallest budget (to 0.1) that fits the asked trials (two when none fit) and
    ``min_steps`` the steps they need at the floor, the spent ones included.
    """

    steps_per_epoch: int
    epochs: int
    total_steps: int
    trial_steps: int
    spent: int = 0
    n_trials: int = 1
    asked: int = 1
    floor: int = 1
    budget: float = 1.0
    fit_budget: float = 1.0
    min_steps: int = 0

    @property
    def factor(self) -> float:
        return self.trial_steps / self.total_steps

    @property
    def trial_epochs(self) -> int:
        """Epochs a trial's run starts (the last one may stop part-way; 1 for a trial shorter
        than an epoch, which reports to the pruner once, at its end)."""
        return max(math.ceil(self.trial_steps / self.steps_per_epoch), 1)

    def stretched(self) -> _Plan:
        """The plan of the confirmation race: runs :data:`RACE_STRETCH` × the trial length,
        at most the planned run."""
        race_steps = min(RACE_STRETCH * self.trial_steps, self.total_steps)
        return dataclasses.replace(self, trial_steps=race_steps)

    def compress(self, spec: ScheduleSpec) -> ScheduleSpec:
        """``spec`` compressed into a trial's steps (:func:`trial_schedule`)."""
        return trial_schedule(spec, steps_per_epoch=self.steps_per_epoch, factor=self.factor)


def _race_seeds(config: TuneConfig) -> int:
    """Fresh data orders the race runs on, per side: ``seeds``, at least 2."""
    return max(_RACE_SEEDS, config.seeds)


def _confirm_runs(config: TuneConfig, n_trials: int | None = None) -> int:
    """The confirmation race's cost in trial lengths: the proposal and the winner on each of
    :func:`_race_seeds`'s data orders, each run :data:`RACE_STRETCH` trial lengths long (none
    for a single trial)."""
    n = config.n_trials if n_trials is None else n_trials
    return 2 * _race_seeds(config) * RACE_STRETCH if n > 1 else 0


def _runs(config: TuneConfig, n_trials: int) -> int:
    """Trial-length runs of a search of ``n_trials`` trials, the race included."""
    return n_trials * config.seeds + _confirm_runs(config, n_trials)


def _plan(
    proposal: Recommendation, stats: DatasetStats | None, config: TuneConfig, spent: int
) -> _Plan:
    """The run the proposal was made for (its own length first, else the measured one), and
    the trials that fit ``budget × total_steps`` less the ``spent`` steps.

    Both bases share the floor: a trial's schedule is compressed onto the iteration basis, so
    an epoch-basis proposal's trials need not last an epoch either.
    """
    spe = proposal.steps_per_epoch or (stats.steps_per_epoch if stats else None)
    epochs = proposal.epochs or (stats.epochs if stats else None)
    if not spe or not epochs:
        raise ConfigError(
            "tune: expected a known run length (steps per epoch and epochs), got "
            f"steps_per_epoch={spe}, epochs={epochs}; give train_loader a len() and set --epochs"
        )
    plan = _Plan(spe, epochs, spe * epochs, 1, spent)
    return _fit(plan, config, _floor(spe, spe * epochs))


def _floor(steps_per_epoch: int, total: int) -> int:
    """A trial's fewest steps: :data:`_MIN_TRIAL_STEPS` (one epoch when epochs are shorter),
    and enough that the race's runs, :data:`RACE_STRETCH` trials long, cover
    :data:`RACE_MIN_FRACTION` of the run.

    Example:
        >>> _floor(32, 1280), _floor(100, 3000), _floor(4, 16)  # 0.15 × 1280 / 4 = 48
        (48, 113, 4)
    """
    race_floor = math.ceil(RACE_MIN_FRACTION * total / RACE_STRETCH)
    return min(max(min(steps_per_epoch, _MIN_TRIAL_STEPS), race_floor), total)


def _refit(plan: _Plan, config: TuneConfig, *, own: int) -> _Plan:
    """``plan`` with the trials that fit its ``trial_steps`` when a shared study stored
    another length than ``own`` (this run's): at most ``plan.n_trials``."""
    if plan.trial_steps == own:
        return plan
    fit = _fit(plan, dataclasses.replace(config, n_trials=plan.n_trials), plan.trial_steps)
    return dataclasses.replace(fit, trial_steps=plan.trial_steps, asked=plan.asked)


def _fit(plan: _Plan, config: TuneConfig, floor: int) -> _Plan:
    """The most trials (at most ``n_trials``) whose runs and race get ``floor`` steps each."""
    total = plan.total_steps
    available = max(int(config.budget * total) - plan.spent, 0)
    n = config.n_trials
    while n > 0 and _runs(config, n) * floor > available:
        n -= 1
    if n < min(2, config.n_trials):  # a search needs the proposal and one other trial
        n = 0
    target = config.n_trials if n else min(2, config.n_trials)
    min_steps = plan.spent + _runs(config, target) * floor
    return dataclasses.replace(
        plan,
        trial_steps=min(available // _runs(config, n), total) if n else floor,
        n_trials=n,
        asked=config.n_trials,
        floor=floor,
        budget=config.budget,
        fit_budget=_budget_for(min_steps, total),
        min_steps=min_steps,
    )


def _budget_for(steps: int, total: int) -> float:
    """The smallest budget, to 0.1, whose share of ``total`` holds ``steps``."""
    budget = math.ceil(steps * 10 / total) / 10
    while int(budget * total) < steps:  # floating point: 0.1 more
        budget = round(budget + 0.1, 1)
    return budget


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
