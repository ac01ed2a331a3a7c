"""Refine a rule-based proposal with a short, budgeted Optuna search (``--tune``).

The proposal is trial 0; the other trials sample the peak LR around the range-test result,
the scheduler type among the proposal's candidates, the floor (``eta_min_ratio``) and the
warmup fraction. Every trial runs the *whole* schedule compressed into its share of the
budget (short horizons otherwise favour LRs that are too small: Wu et al. arXiv 1803.02021)
and is scored by validation loss; the best trial replaces the proposal only if it also beats
it by more than the noise in a race on fresh data orders, on runs four times the trials'
length and by at least its lead in the trials, and is returned at the full planned length.
The search, its race and the horizon check before it stay within the budget. Studies live in
memory, in SQLite or PostgreSQL (``RDBStorage``), or in a journal file (``JournalStorage``);
a killed run resumes where it stopped, and several processes can share one study.
Optuna is imported only in this package.

Modules: :mod:`._config` (:class:`TuneConfig`), :mod:`._plan` (the trial plan and
:func:`trial_schedule`), :mod:`._space` (the search space), :mod:`._trials` (one trial),
:mod:`._study` (the study and its shared setup), :mod:`._race` (the confirmation race),
:mod:`._explain` (the record and the reason) and :mod:`._peaks` (the peak race that runs
instead where the budget fits no search); :func:`refine` and its search loop live here.

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
    ...                  config=TuneConfig(n_trials=3, budget=5.0))
    >>> refined.search.n_trials, refined.search.trials[0]["params"]["lr"]
    (3, 0.05)
    >>> refined.schedule.total  # the full planned length, not a trial's
    4
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import torch

from lrtune.analysis.curve import CurveAnalysis
from lrtune.analysis.dataset import DatasetStats
from lrtune.errors import ConfigError, Interrupted
from lrtune.recommend._recommendation import Recommendation
from lrtune.recommend._storage import describe, open_storage
from lrtune.recommend._storage import redact as _redact
from lrtune.recommend.refine._config import Pruner as Pruner  # re-exported
from lrtune.recommend.refine._config import TuneConfig
from lrtune.recommend.refine._explain import _result, _skipped
from lrtune.recommend.refine._peaks import race_peaks
from lrtune.recommend.refine._plan import _Plan, _plan, _refit, trial_schedule
from lrtune.recommend.refine._race import _confirm
from lrtune.recommend.refine._space import _full_spec, _proposal_params, _Space, _space, _suggest
from lrtune.recommend.refine._study import (
    _PROPOSAL,
    _adopt_setup,
    _best,
    _check_space,
    _copy_of_proposal,
    _finished,
    _pruner,
    _sampler,
)
from lrtune.recommend.refine._trials import _eval_task, _run_trial  # tests patch it here
from lrtune.task import Task

__all__ = [
    "TuneConfig",
    "refine",
    "race_peaks",
    "search_budget",
    "search_fits",
    "ProgressFn",
    "trial_schedule",
    "open_storage",
]

ProgressFn = Callable[[int, int, "float | None"], None]


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

    Budget: the search never spends more than ``B = budget × total_steps − spent`` optimizer
    steps. They are shared by ``runs = n_trials × seeds + 2 × 4 × max(2, seeds)`` trial
    lengths (the trials, and the confirmation race's runs of 4× their length; ``n_trials ×
    seeds`` for a single trial); each trial trains ``trial_steps = B // runs`` steps (at most
    the planned run) under the full-length schedule
    compressed onto the iteration basis by ``trial_steps / total_steps``
    (:func:`trial_schedule`), on either basis, reporting the validation loss to the pruner
    after every epoch (once, at its end, for a trial shorter than an epoch). A trial trains at
    least ``min(64, steps_per_epoch)`` steps and 3.75% of the run (so that a race run covers
    15% of it): when ``B`` cannot give every run that many,
    fewer trials run (as many as fit with the race, and the reason says so), and when fewer
    than two fit (the proposal and one other) there is no search: the proposal is returned
    unchanged, without a search record, with a reason naming the ``--budget`` that would fit.
    Scoring uses ``task.val_loader``, or without one a fixed set of 8 training batches drawn
    once (the same for every trial; not removed from training).

    Confirmation: when the best trial is not the proposal, both run again at 4× the trial
    length on the same ``max(2, seeds)`` data orders no trial has used (paired runs). The
    winner is returned only if it beats the proposal by more than the noise (lower on every
    data order, and lower in the mean by more than 1% of the proposal's mean) and its lead
    held as the runs grew 4× (its relative gain over the proposal at least the one it had in
    the trials: a shrinking lead is the short-horizon bias); else the proposal is kept.

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
        progress: called as ``progress(done, n_trials, best_value)`` after every trial
            (``n_trials`` as many as the budget fits).
        spent: optimizer steps already taken from the budget (the horizon check); counted
            in the record's cost.

    Returns:
        The proposal with the confirmed best trial's spec (same basis, full length), one more
        reason, and the :class:`SearchRecord` of the whole study (every trial and the
        confirmation; ``cost_steps`` sums the optimizer steps they ran, pruned trials and
        ``spent`` included: at most ``budget × total_steps``). When the budget fits no search,
        the proposal with one more reason and no record.

    The first run to open a study stores its proposal, space and trial length there; later
    and other runs use those (:mod:`lrtune.recommend._shared`), and the study decides once
    between the proposal and its best trial.

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
    if not plan.n_trials:  # the budget fits no search: the proposal stands
        return dataclasses.replace(proposal, reasons=(*proposal.reasons, _skipped(plan)))
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
    own, rules = proposal.schedule, proposal
    proposal, space, stored = _adopt_setup(study, proposal, space, plan, config)
    plan = _refit(stored, config, own=plan.trial_steps)  # the study's may fit fewer trials
    if not plan.n_trials:
        return dataclasses.replace(rules, reasons=(*rules.reasons, _skipped(plan)))
    config = dataclasses.replace(config, n_trials=plan.n_trials)  # as many as the budget fits
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


def search_fits(
    proposal: Recommendation, stats: DatasetStats | None, config: TuneConfig, *, spent: int = 0
) -> bool:
    """Whether ``config``'s budget, less ``spent`` steps, fits a search: the proposal, one
    other trial and the confirmation race (an unknown run length: ``True``, and
    :func:`refine` names the problem).
    """
    try:
        return _plan(proposal, stats, config, spent).n_trials > 0
    except ConfigError:
        return True


def search_budget(
    proposal: Recommendation, stats: DatasetStats | None, config: TuneConfig, *, spent: int = 0
) -> float:
    """The smallest ``--budget`` (to 0.1) that fits a search after ``spent`` steps."""
    return _plan(proposal, stats, config, spent).fit_budget


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
