"""Refine a rule-based proposal with a short, budgeted Optuna search (``--tune``).

The proposal is trial 0; the other trials sample the peak LR around the range-test result,
the scheduler type among the proposal's candidates, the floor (``eta_min_ratio``) and the
warmup fraction. Every trial runs the *whole* schedule compressed into its share of the
budget (short horizons otherwise favour LRs that are too small: Wu et al. arXiv 1803.02021)
and is scored by validation loss; the best trial replaces the proposal only if it also wins
a race on fresh data orders, and is returned at the full planned length. Studies live in
memory, in SQLite or PostgreSQL (``RDBStorage``), or in a journal file (``JournalStorage``);
a killed run resumes where it stopped, and several processes can share one study.
Optuna is imported only here.

Example:
    >>> import torch
    >>> from torch import nn
    >>> from lrtune.analysis.curve import analyze_curve
    >>> from lrtune.analysis.dataset import dataset_stats
    >>> from lrtune.recommend._recommendation import Recommendation
    >>> from lrtune.schedules import make_schedule
    >>> from lrtune.task import make_task
    >>> x = torch.randn(64, 3)
    >>> data = torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True))
    >>> task = make_task(model=nn.Linear(3, 1), criterion=nn.MSELoss(), epochs=4,
    ...                  train_loader=torch.utils.data.DataLoader(data, batch_size=16),
    ...                  optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr))
    >>> lrs = [10 ** (k / 10 - 4) for k in range(40)]
    >>> analysis = analyze_curve(lrs, [1.0 / (1 + 100 * lr) for lr in lrs])
    >>> proposal = Recommendation(make_schedule("cosine", lr=0.05, total=4),
    ...                           candidates=("cosine", "linear"), steps_per_epoch=4, epochs=4)
    >>> refined = refine(task, proposal, analysis=analysis, stats=dataset_stats(task),
    ...                  config=TuneConfig(n_trials=3))
    >>> refined.search.n_trials, refined.search.trials[0]["params"]["lr"]
    (3, 0.05)
    >>> refined.schedule.total  # the full planned length, not a trial's
    4
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import torch

from lrtune.analysis.curve import CurveAnalysis
from lrtune.analysis.dataset import DatasetStats
from lrtune.errors import ConfigError, Interrupted
from lrtune.recommend._recommendation import Reason, Recommendation, SearchRecord
from lrtune.recommend._shared import (
    RACE_KEY,
    race_wait,
    settle_setup,
    shared_race,
    stored_race,
)
from lrtune.recommend._storage import check_storage, describe, normalize_storage, open_storage
from lrtune.recommend._storage import redact as _redact
from lrtune.recommend.rules import PeakLrRule
from lrtune.schedules import (
    ScheduleSpec,
    get_schedule,
    schedule_params,
    spec_for_run,
    spec_from_dict,
)
from lrtune.schedules._base import check_choice, check_number, scale_period
from lrtune.state import preserved_state
from lrtune.task import Task
from lrtune.train import train

__all__ = ["TuneConfig", "refine", "ProgressFn", "trial_schedule", "open_storage"]

ProgressFn = Callable[[int, int, "float | None"], None]
Pruner = Literal["median", "hyperband", "none"]

_PRUNERS = ("median", "hyperband", "none")
_DEFAULT_STUDY = "lrtune"
_ETA_MAX = 0.2
_WARMUP_MAX = 0.2
_HELD_OUT_BATCHES = 8
_SOURCE = (
    "Optuna TPE search (Akiba et al. arXiv 1907.10902); each trial runs the whole schedule "
    "compressed into its budget (Wu et al. arXiv 1803.02021)"
)


@dataclass(frozen=True, kw_only=True)
class TuneConfig:
    """How much to search and where to keep the study.

    Attributes:
        n_trials: finished trials (complete or pruned) the study should hold, the proposal
            included; trials already in a resumed study count.
        budget: total optimizer steps of the search (and of the horizon check before it,
            see ``refine``'s ``spent``), as a fraction of the planned training
            (``epochs × steps_per_epoch``); 0 < budget ≤ 10.
        seeds: training runs per trial (different data order and dropout); the trial's value
            is their mean validation loss.
        storage: ``None`` (in memory), an ``sqlite:///path.db`` or ``postgresql://…`` URL
            (``postgres://`` is read as ``postgresql://``), or a journal file path ending in
            ``.log`` or ``.jsonl``.
        study_name: the study's name in the storage (``None``: ``"lrtune"``); runs with the
            same storage and name share (and resume) one study.
        pruner: ``"median"``, ``"hyperband"`` or ``"none"``.
        sampler_seed: seed of the TPE sampler (``None``: not reproducible).

    Example:
        >>> TuneConfig(n_trials=16, budget=0.5, storage="sqlite:///tune.db").study_name
        'lrtune'
        >>> TuneConfig(budget=0)
        Traceback (most recent call last):
        ...
        lrtune.errors.ConfigError: budget: expected a number > 0 and <= 10, got 0
    """

    n_trials: int = 8
    budget: float = 1.0
    seeds: int = 1
    storage: str | None = None
    study_name: str | None = None
    pruner: Pruner = "median"
    sampler_seed: int | None = 0

    def __post_init__(self) -> None:
        check_number("n_trials", self.n_trials, low=1, integer=True)
        check_number("budget", self.budget, low=0.0, low_open=True, high=10.0)
        check_number("seeds", self.seeds, low=1, integer=True)
        check_choice("pruner", self.pruner, _PRUNERS)
        if self.study_name is None:
            object.__setattr__(self, "study_name", _DEFAULT_STUDY)
        elif not isinstance(self.study_name, str) or not self.study_name:
            raise ConfigError(f"study_name: expected a non-empty string, got {self.study_name!r}")
        if self.sampler_seed is not None:
            check_number("sampler_seed", self.sampler_seed, low=0, integer=True)
        if isinstance(self.storage, str):
            object.__setattr__(self, "storage", normalize_storage(self.storage))
        if self.storage is not None:
            check_storage(self.storage)


# ---------------------------------------------------------------- the plan and the space


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


@dataclass(frozen=True)
class _Space:
    """The search space, derived from the proposal and the range test."""

    lr_low: float
    lr_high: float
    schedulers: tuple[str, ...]
    eta_high: float
    warmup_high: float


def _has(name: str, param: str) -> bool:
    return param in schedule_params(name)


def _searches_warmup(name: str) -> bool:
    """Onecycle rises on its own; ReduceLROnPlateau cannot be wrapped in a warmup."""
    return name not in ("onecycle", "plateau")


def _space(
    proposal: Recommendation, analysis: CurveAnalysis, plan: _Plan, optimizer: str | None = None
) -> _Space:
    spec = proposal.schedule
    low = analysis.suggested_lr / 4
    high = analysis.diverge_lr
    if high is not None and optimizer == "SGD":
        # SGD's divergence LR is a sharp stability limit: short trials cannot see a full
        # run blow up near it (they favour the most LR x time), so stay at the rules' most
        # aggressive peak. Adam's is a rough bound and stays the limit.
        high /= PeakLrRule.onecycle_margin
    if high is None or not high > low:
        high = analysis.suggested_lr * 4
    low, high = min(low, spec.lr), max(high, spec.lr)
    if not high > low:
        high = low * 16
    names = [spec.name]
    for name in proposal.candidates:
        try:
            get_schedule(name)
        except LookupError:
            continue
        if name not in names and name != "plateau":  # no closed form to compress
            names.append(name)
    eta = getattr(spec, "eta_min_ratio", 0.0) or 0.0
    warmup = spec.warmup / _run_length(spec.basis, plan)
    return _Space(low, high, tuple(names), max(_ETA_MAX, eta), max(_WARMUP_MAX, warmup))


def _run_length(basis: str, plan: _Plan) -> int:
    return plan.epochs if basis == "epoch" else plan.total_steps


def _proposal_params(proposal: Recommendation, plan: _Plan) -> dict[str, Any]:
    spec = proposal.schedule
    params: dict[str, Any] = {"lr": spec.lr, "scheduler": spec.name}
    if _has(spec.name, "eta_min_ratio"):
        params["eta_min_ratio"] = spec.eta_min_ratio  # type: ignore[attr-defined]
    if _searches_warmup(spec.name):
        params["warmup_fraction"] = spec.warmup / _run_length(spec.basis, plan)
    return params


def _suggest(trial: Any, space: _Space) -> dict[str, Any]:
    params: dict[str, Any] = {
        "lr": trial.suggest_float("lr", space.lr_low, space.lr_high, log=True),
        "scheduler": trial.suggest_categorical("scheduler", space.schedulers),
    }
    name = params["scheduler"]
    if _has(name, "eta_min_ratio"):
        params["eta_min_ratio"] = trial.suggest_float("eta_min_ratio", 0.0, space.eta_high)
    if _searches_warmup(name):
        params["warmup_fraction"] = trial.suggest_float("warmup_fraction", 0.0, space.warmup_high)
    return params


def _full_spec(params: dict[str, Any], proposal: Recommendation, plan: _Plan) -> ScheduleSpec:
    """The schedule a trial's parameters stand for, at the full planned length and basis."""
    base = proposal.schedule
    name = params.get("scheduler", base.name)
    if "warmup_fraction" in params:
        warmup = round(params["warmup_fraction"] * _run_length(base.basis, plan))
    else:
        warmup = base.warmup if name == base.name else 0
    changes: dict[str, Any] = {"lr": params["lr"], "warmup": warmup}
    if "eta_min_ratio" in params:
        changes["eta_min_ratio"] = params["eta_min_ratio"]

    def build(**values: Any) -> ScheduleSpec:
        if name == base.name:
            return base.replace(**values)
        return spec_for_run(
            name,
            lr=values["lr"],
            epochs=plan.epochs,
            steps_per_epoch=plan.steps_per_epoch,
            basis=base.basis,
            warmup=values["warmup"],
            eta_min_ratio=values.get("eta_min_ratio"),
        )

    try:
        return build(**changes)
    except ConfigError:  # a warmup too long for a short run: drop it
        return build(**{**changes, "warmup": 0})


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


# ---------------------------------------------------------------- one trial


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
    """One trial-length run of ``short`` (a :meth:`_Plan.compress`-ed spec), data order ``seed``."""
    return train(
        task,
        make_scheduler=short.build,
        lr=short.lr,
        steps_per=short.basis,
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
    report of a trial is never pruned (the trial is finished anyway).
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


# ---------------------------------------------------------------- the search


def _pruner(config: TuneConfig, n_reports: int) -> Any:
    import optuna

    if config.pruner == "median":
        # Compressed schedules run at a high LR early on; judge them past half-way only.
        return optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=n_reports // 2)
    if config.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=max(n_reports, 1))
    return optuna.pruners.NopPruner()


def _sampler(config: TuneConfig, offset: int) -> Any:
    import optuna

    seed = None if config.sampler_seed is None else config.sampler_seed + offset
    startup = min(10, max(3, config.n_trials // 2))
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=startup)


#: The user attribute that marks the enqueued proposal.
_PROPOSAL = "proposal"


def _copy_of_proposal(study: Any, trial: Any) -> bool:
    """Whether ``trial`` is a second copy of the proposal: processes that open an empty
    shared study at the same moment may each enqueue it. The copy is marked and not run."""
    if not trial.user_attrs.get(_PROPOSAL):
        return False
    first = min(t.number for t in study.get_trials(deepcopy=False) if t.user_attrs.get(_PROPOSAL))
    if first == trial.number:
        return False
    trial.set_user_attr("copy_of", first)
    return True


def _finished(study: Any) -> list[Any]:
    import optuna

    states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    return study.get_trials(deepcopy=False, states=states)


def _best(study: Any) -> Any | None:
    import optuna

    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    finite = [t for t in complete if t.value is not None and math.isfinite(t.value)]
    return min(finite, key=lambda t: t.value) if finite else None


def _check_space(study: Any, space: _Space) -> None:
    """A resumed study must have been searched over the same scheduler types."""
    for trial in study.get_trials(deepcopy=False):
        dist = trial.distributions.get("scheduler")
        if dist is not None and tuple(dist.choices) != space.schedulers:
            raise ConfigError(
                f"study {study.study_name!r}: expected scheduler choices {list(dist.choices)} "
                f"as in its earlier trials, got {list(space.schedulers)}; use another study name"
            )


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
    another process reuses it (:mod:`._shared`).
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
                result = _train_short(task, short, plan, seed=seed, device=device)
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


def refine(
    task: Task,
    proposal: Recommendation,
    *,
    analysis: CurveAnalysis,
    stats: DatasetStats | None,
    config: TuneConfig | None = None,
    device: str | torch.device = "cpu",
    progress: ProgressFn | None = None,
    spent: int = 0,
) -> Recommendation:
    """Search around ``proposal`` with Optuna and return the best schedule found.

    Search space: the peak LR, log-uniform in ``[suggested_lr/4, diverge_lr]`` (``suggested_lr
    × 4`` when the curve never diverged), widened to contain the proposal's LR; the scheduler
    type among the proposal's and its ``candidates`` (ReduceLROnPlateau excluded); where the
    type has one, ``eta_min_ratio`` in ``[0, 0.2]``; the warmup as a fraction of the run in
    ``[0, 0.2]`` (not for onecycle or plateau). The proposal is enqueued as the first trial.

    Budget: ``B = budget × total_steps − spent`` optimizer steps are shared by
    ``(n_trials + 2) × seeds`` runs (``n_trials × seeds`` for a single trial); each run trains
    ``trial_steps = B // runs`` steps (at least one epoch, at most the planned run) under the
    full-length schedule compressed onto the iteration basis by ``trial_steps / total_steps``
    (:func:`trial_schedule`), reporting the validation loss after every epoch to the pruner.
    Scoring uses ``task.val_loader``, or without one a fixed set of 8 training batches drawn
    once (the same for every trial; not removed from training).

    Confirmation: when the best trial is not the proposal, both run again at the trial length
    on ``seeds`` data orders no trial has used; the winner is returned only if it scores
    better there too, else the proposal is kept (the two extra runs of the budget).

    Resume and sharing: the study is created with ``load_if_exists=True``. Finished trials
    (complete or pruned) already in the study count toward ``n_trials`` and are never run
    again; the proposal is enqueued only into an empty study (when processes do so at the same
    moment, the later copies fail at once with the user attribute ``copy_of``). The sampler is
    seeded from each trial's number, so processes asking at once draw different points.
    Processes sharing a study each stop once it holds ``n_trials`` finished trials (together
    they may overshoot by one trial each). A trial killed mid-run stays ``RUNNING`` and does
    not count.

    Args:
        task: the training setup; its model is not modified.
        proposal: the rule-based recommendation (its spec, basis and ``candidates``).
        analysis: the range-test curve analysis (``suggested_lr``, ``diverge_lr``).
        stats: the dataset statistics; their ``steps_per_epoch`` and ``epochs`` are used when the
            proposal does not carry its own.
        config: the search settings (default :class:`TuneConfig`).
        device: where trials train.
        progress: called as ``progress(done, n_trials, best_value)`` after every trial.
        spent: optimizer steps already taken from the budget (the horizon check); counted
            in the record's cost.

    Returns:
        The proposal with the confirmed best trial's spec (same basis, full length), one more
        reason, and the :class:`SearchRecord` of the whole study (every trial and the
        confirmation; ``cost_steps`` sums the optimizer steps they ran, pruned trials
        included).

    The first run to open a study stores its proposal, space and trial length there; later
    and other runs use those (:mod:`._shared`), and the study decides once between the
    proposal and its best trial.

    Raises:
        ConfigError: unknown run length, a bad or unreachable storage, a study searched over
            other scheduler types or made for another run length, or trials too short for the
            schedule.
        Interrupted: Ctrl-C; its ``result`` is the proposal with the finished trials' record
            (``search.interrupted``); the finished trials stay in the storage.
    """
    import optuna

    config = config or TuneConfig()
    plan = _plan(proposal, stats, config, spent)
    space = _space(proposal, analysis, plan, stats.optimizer if stats else None)
    storage = open_storage(config.storage)
    n_reports = plan.trial_epochs * config.seeds
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        study = optuna.create_study(
            storage=storage,
            study_name=config.study_name,
            direction="minimize",
            load_if_exists=True,
            sampler=_sampler(config, 0),
            pruner=_pruner(config, n_reports),
        )
    except Exception as exc:
        raise ConfigError(
            f"storage: cannot open study {config.study_name!r} in "
            f"{_redact(config.storage or 'memory')}: {describe(exc, config.storage)}"
        ) from None
    finally:
        optuna.logging.set_verbosity(verbosity)
    _check_space(study, space)  # other scheduler choices: another search, another study
    own = proposal.schedule
    proposal, space, plan = _adopt_setup(study, proposal, space, plan, config)
    study.pruner = _pruner(config, plan.trial_epochs * config.seeds)
    if not study.get_trials(deepcopy=False):
        study.enqueue_trial(
            _proposal_params(proposal, plan), user_attrs={_PROPOSAL: True}, skip_if_exists=True
        )
    eval_task = _eval_task(task, config.sampler_seed or 0)
    try:
        confirmation = _search(study, eval_task, proposal, space, plan, config, device, progress)
    except KeyboardInterrupt:  # keep the finished trials; the proposal stands, unconfirmed
        partial = _result(study, proposal, plan, config, None, own=own, interrupted=True)
        raise Interrupted(partial) from None
    return _result(study, proposal, plan, config, confirmation, own=own)


def _search(
    study: Any,
    eval_task: Task,
    proposal: Recommendation,
    space: _Space,
    plan: _Plan,
    config: TuneConfig,
    device: str | torch.device,
    progress: ProgressFn | None,
) -> dict[str, Any] | None:
    """Run trials until the study holds ``n_trials`` finished ones, then the race."""
    import optuna

    while len(_finished(study)) < config.n_trials:
        trial = study.ask()
        if _copy_of_proposal(study, trial):
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            continue
        # Seed from the trial's number: a resumed run (or another process) does not replay
        # the random draws its predecessor (or a process asking at the same moment) made.
        study.sampler = _sampler(config, trial.number)
        params = _suggest(trial, space)
        spec = _full_spec(params, proposal, plan)
        try:
            value = _run_trial(trial, eval_task, spec, plan, config, device)
        except optuna.TrialPruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        except BaseException:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            raise
        else:
            study.tell(trial, value)
        if progress is not None:
            best = _best(study)
            progress(len(_finished(study)), config.n_trials, best.value if best else None)
    return _confirm(study, eval_task, proposal, plan, config, device)


def _adopt_setup(
    study: Any, proposal: Recommendation, space: _Space, plan: _Plan, config: TuneConfig
) -> tuple[Recommendation, _Space, _Plan]:
    """The proposal, space and trial length stored by the study's first run (ours if first)."""
    mine = {
        "proposal": proposal.schedule.to_dict(),
        "space": dataclasses.asdict(space),
        "trial_steps": plan.trial_steps,
        "total_steps": plan.total_steps,
    }
    setup = settle_setup(study, mine, shared=config.storage is not None)
    if setup["total_steps"] != plan.total_steps:
        raise ConfigError(
            f"study {study.study_name!r}: expected a planned run of {setup['total_steps']} steps "
            f"as when it was created, got {plan.total_steps} (another --epochs or batch size?); "
            "use another --study-name"
        )
    stored = setup["space"]
    space = _Space(**{**stored, "schedulers": tuple(stored["schedulers"])})
    proposal = dataclasses.replace(proposal, schedule=spec_from_dict(setup["proposal"]))
    return proposal, space, dataclasses.replace(plan, trial_steps=setup["trial_steps"])


def _result(
    study: Any,
    proposal: Recommendation,
    plan: _Plan,
    config: TuneConfig,
    decision: dict[str, Any] | None,
    *,
    own: ScheduleSpec,
    interrupted: bool = False,
) -> Recommendation:
    """The recommendation from the study and its ``decision`` (:func:`_confirm`)."""
    import optuna

    raced = decision is not None and decision.get("raced", True)
    confirmation = decision if raced else None

    trials = [
        t for t in study.get_trials(deepcopy=False) if t.state != optuna.trial.TrialState.WAITING
    ]
    best = _best(study)
    cost = plan.spent + sum(int(t.user_attrs.get("steps", 0)) for t in trials)
    cost += confirmation["steps"] if confirmation else 0
    record = SearchRecord(
        n_trials=len(_finished(study)),
        n_pruned=sum(t.state == optuna.trial.TrialState.PRUNED for t in trials),
        cost_steps=cost,
        cost_fraction=cost / plan.total_steps,
        best_value=best.value if best else None,
        trials=tuple(_trial_dict(t) for t in trials),
        storage=_redact(config.storage) if config.storage else None,
        study_name=study.study_name,
        confirmation=confirmation,
        interrupted=interrupted,
    )
    chosen = best
    if decision is not None:  # the study's decision stands, whichever trial is best now
        kept = [t for t in trials if t.number == decision["trial"]]
        chosen = kept[0] if kept and decision["kept"] == "winner" else None
    if interrupted or chosen is None or chosen.params == _proposal_params(proposal, plan):
        schedule = proposal.schedule
    else:
        schedule = _full_spec(chosen.params, proposal, plan)
    text = _explain(proposal.schedule, schedule, record, plan)
    if decision is not None and not raced and best is not None and best.number != decision["trial"]:
        text = (
            f"{text.split(';')[0]}; the study settled on the proposal when it held "
            f"{decision['n_trials']} finished trials (validation loss {decision['value']:.4g}, "
            "the best then), so it is kept: later trials do not reopen the decision."
        )
    if own != proposal.schedule:
        text += (
            f" The study's stored proposal ({proposal.schedule.name}, peak LR "
            f"{proposal.schedule.lr:.3g}, from its first run) was searched around instead of "
            f"this run's ({own.name}, {own.lr:.3g}), so all runs of the study share trial 0."
        )
    reason = Reason("optuna-refine", text, _SOURCE)
    return dataclasses.replace(
        proposal, schedule=schedule, reasons=(*proposal.reasons, reason), search=record
    )


def _trial_dict(trial: Any) -> dict[str, Any]:
    value = trial.value
    return {
        "number": trial.number,
        "params": dict(trial.params),
        "value": value if value is not None and math.isfinite(value) else None,
        "state": trial.state.name.lower(),
        "steps": int(trial.user_attrs.get("steps", 0)),
    }


def _explain(before: ScheduleSpec, after: ScheduleSpec, record: SearchRecord, plan: _Plan) -> str:
    search = (
        f"An Optuna search of {record.n_trials} trials ({record.n_pruned} pruned), each running "
        f"the whole schedule compressed into {plan.trial_steps} steps, cost "
        f"{record.cost_steps} steps{' with the horizon check' if plan.spent else ''} "
        f"({record.cost_fraction:.0%} of the planned training)"
    )
    if record.interrupted:
        best = (
            f"; its best trial so far (validation loss {record.best_value:.4g}) is not confirmed"
            if record.best_value is not None
            else ""
        )
        return f"{search} was interrupted (Ctrl-C){best}, so the proposal is kept."
    if record.best_value is None:
        return f"{search} and finished no trial; the proposal is kept."
    changes = []
    if after.name != before.name:
        changes.append(f"scheduler {before.name} → {after.name}")
    if after.lr != before.lr:
        changes.append(f"peak LR {before.lr:.3g} → {after.lr:.3g}")
    eta_before, eta_after = (getattr(s, "eta_min_ratio", None) for s in (before, after))
    if eta_after is not None and eta_after != eta_before:
        changes.append(f"eta_min_ratio {_fmt(eta_before)} → {eta_after:.3g}")
    if after.warmup != before.warmup:
        changes.append(f"warmup {before.warmup} → {after.warmup} {after.basis}s")
    best = f"best validation loss {record.best_value:.4g}"
    confirm = record.confirmation
    if confirm is not None and confirm["kept"] == "proposal":
        return (
            f"{search}; its best trial (#{confirm['trial']}, {best}) lost to the proposal on "
            f"fresh data orders ({_fmt(confirm['winner'], 4)} vs {_fmt(confirm['proposal'], 4)}), "
            "so the proposal is kept."
        )
    if not changes:
        return f"{search}; the proposal scored best ({best}) and is kept."
    confirmed = (
        f", confirmed on fresh data orders ({confirm['winner']:.4g} vs the proposal's "
        f"{_fmt(confirm['proposal'], 4)})"
        if confirm is not None
        else ""
    )
    return f"{search}, changed {', '.join(changes)} ({best}{confirmed})."


def _fmt(value: float | None, digits: int = 3) -> str:
    return "none" if value is None else f"{value:.{digits}g}"
