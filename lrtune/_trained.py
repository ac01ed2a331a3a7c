"""The trained phase of ``find``, after the rules: the zoom's race, the stability probe, the
horizon check and the ``--tune`` search, in that order, each training the model under the
proposed schedule.

Each stage leaves the user's model as it found it. Ctrl-C during one keeps what came before
it: :func:`train_stages` says so, and :func:`lrtune.api.recommend_from_result` raises
:class:`~lrtune.errors.Interrupted` with that result.
"""

from __future__ import annotations

from dataclasses import replace

from lrtune._config import Progress
from lrtune.analysis import CurveAnalysis
from lrtune.analysis.dataset import DatasetStats
from lrtune.errors import Interrupted
from lrtune.recommend import Reason, Recommendation
from lrtune.recommend.cautions import OverfitRiskRule
from lrtune.recommend.horizon import can_check, check_recommendation, check_steps
from lrtune.recommend.probe import probe_recommendation
from lrtune.recommend.refine import TuneConfig, race_peaks, refine, search_budget, search_fits
from lrtune.recommend.zoom_race import disagree, race_readings
from lrtune.task import Task

__all__ = ["train_stages"]

SEARCH_SKIPPED = Reason(
    "optuna-refine",
    "No search: the horizon check found overfitting, which trials compressed into a fraction "
    "of the run cannot see (a shorter run overfits less, so they favour a higher LR); the "
    "checked schedule is the recommendation.",
    "Wu et al. arXiv 1803.02021 (short-horizon bias); Prechelt 1998 (early stopping)",
)

SEARCH_SKIPPED_FULL_BATCH = Reason(
    "optuna-refine",
    "No search: with full-batch gradient descent every trial sees the same gradients, so "
    "neither more trials nor fresh data orders can correct a short trial's bias towards a "
    "lower LR (it weighs the fast directions a long run has already solved); the stability "
    "limit the LR was read from is measured exactly, so the proposal stands.",
    "Wu et al. arXiv 1803.02021 (short-horizon bias); Polyak 1987 §1.4 (stability limit 2/L)",
)


def train_stages(
    task: Task,
    rec: Recommendation,
    *,
    other: Recommendation | None = None,
    race: str = "zoom",
    analysis: CurveAnalysis,
    stats: DatasetStats | None,
    full_batch_gd: bool,
    probe: bool,
    check: float,
    tune: TuneConfig | None,
    device: str,
    seed: int,
    progress: Progress | None = None,
) -> tuple[Recommendation, bool]:
    """Race, probe, check and search ``rec`` on ``task``; return it and whether Ctrl-C stopped
    one.

    - The race (:mod:`lrtune.recommend.zoom_race`) runs with the probe, when ``other``
      disagrees with ``rec``: the rules on the first sweep's readings after a zoom
      (``race="zoom"``), or on the patient reading of a blow-up within the batch noise
      (``race="noise"``).
    - The stability probe (:mod:`lrtune.recommend.probe`) runs when ``probe`` and the task has
      a ``val_loader`` and a planned length, except for full-batch gradient descent's constant
      LR (its limit is measured exactly).
    - The horizon check (:mod:`lrtune.recommend.horizon`, ``check`` of the run) runs when the
      rules' overfitting caution fired, or for ``tune``'s sake when its search fits the budget
      after it.
    - The search (:func:`lrtune.recommend.refine.refine`) runs with ``tune``, unless the check
      found overfitting or the proposal is full-batch gradient descent's stability limit.
      Where its budget fits no search, the peak race
      (:func:`lrtune.recommend.refine.race_peaks`) runs instead, if it fits.
    """
    interrupted = False
    exact_limit = full_batch_gd and rec.schedule.name == "constant"  # probe and check keep it
    trainable = task.val_loader is not None and rec.epochs is not None and not exact_limit
    if probe and trainable and other is not None and disagree(rec.initial_lr, other.initial_lr):
        tick = (lambda done, total: progress("race", done, total)) if progress else None
        try:
            rec = race_readings(
                task, rec, other, kind=race, seed=seed, device=device, progress=tick
            )
        except KeyboardInterrupt:  # keep the range test: the rules' proposal, marked
            interrupted = True
    if probe and trainable and not interrupted:
        tick = (lambda done, total: progress("probe", done, total)) if progress else None
        try:
            rec = probe_recommendation(task, rec, seed=seed, device=device, progress=tick)
        except KeyboardInterrupt:  # keep the range test: the rules' proposal, marked
            interrupted = True
    warned = any(r.rule == OverfitRiskRule.name for r in rec.reasons)
    checkable = can_check(task, fraction=check, epochs=rec.epochs)
    # --tune's own check runs for the search's sake: not when the search would not fit after it
    unaffordable = _unaffordable_check(rec, stats, tune, check) if checkable and not warned else 0
    if not interrupted and checkable and (warned or (tune is not None and not unaffordable)):
        tick = (lambda done, total: progress("check", done, total)) if progress else None
        try:
            rec = check_recommendation(
                task, rec, fraction=check, seed=seed, device=device, progress=tick
            )
        except KeyboardInterrupt:  # keep the range test: the rules' proposal, marked
            interrupted = True
    if tune is None:
        return rec, interrupted
    if rec.check and rec.check["overfit"]:
        return replace(rec, reasons=(*rec.reasons, SEARCH_SKIPPED)), interrupted
    if exact_limit:
        return replace(rec, reasons=(*rec.reasons, SEARCH_SKIPPED_FULL_BATCH)), interrupted
    if interrupted:
        return rec, interrupted
    spent = rec.check["steps"] if rec.check else 0  # what the check has trained
    reserved = spent or unaffordable  # ...or would have: the budget a search needs counts it
    try:
        refined = refine(
            task,
            rec,
            analysis=analysis,
            stats=stats,
            config=tune,
            device=device,
            progress=(lambda done, total, _best: progress("tune", done, total))
            if progress
            else None,
            spent=reserved,
        )
    except Interrupted as stop:  # the proposal, with the finished trials' record
        return stop.result, True
    if refined.search is not None or tune.n_trials < 2:  # searched, or asked for no other peak
        return refined, False
    tick = (lambda done, total: progress("tune", done, total)) if progress else None
    try:
        raced = race_peaks(
            task,
            rec,
            budget=tune.budget,
            spent=spent,
            sgd=stats is not None and stats.optimizer == "SGD",
            search_budget=search_budget(rec, stats, tune, spent=reserved),
            seed=seed,
            device=device,
            progress=tick,
        )
    except KeyboardInterrupt:  # the proposal stands, unraced
        return refined, True
    return (raced or refined), False


def _unaffordable_check(
    rec: Recommendation, stats: DatasetStats | None, tune: TuneConfig | None, check: float
) -> int:
    """The steps of ``--tune``'s horizon check when the search would not fit the budget after
    them (then neither runs, and the search's reason names the budget that fits both); else 0.
    """
    spe = rec.steps_per_epoch or (stats.steps_per_epoch if stats else None)
    if tune is None or not spe or not rec.epochs:
        return 0
    steps = check_steps(check, spe * rec.epochs)
    return 0 if search_fits(rec, stats, tune, spent=steps) else steps
