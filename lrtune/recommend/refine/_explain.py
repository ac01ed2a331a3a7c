"""The result: the search record, the schedule chosen, and the ``optuna-refine`` reason."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from lrtune.recommend._recommendation import Reason, Recommendation, SearchRecord
from lrtune.recommend._storage import redact as _redact
from lrtune.recommend.refine._config import TuneConfig
from lrtune.recommend.refine._plan import _Plan
from lrtune.recommend.refine._race import _beats, _holds
from lrtune.recommend.refine._space import _full_spec, _proposal_params
from lrtune.recommend.refine._study import _best, _finished
from lrtune.schedules import ScheduleSpec

__all__ = ["_explain", "_result", "_skipped", "_trial_dict"]

_SOURCE = (
    "Optuna TPE search (Akiba et al. arXiv 1907.10902); each trial runs the whole schedule "
    "compressed into its budget (Wu et al. arXiv 1803.02021)"
)


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
    """The recommendation from the study and its ``decision`` (:func:`._race._confirm`)."""
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


def _skipped(plan: _Plan) -> Reason:
    """The reason for no search: the budget cannot give two trials and the race their floor."""
    less = f", less {plan.spent} steps for the horizon check," if plan.spent else ""
    what = (
        "the proposal's trial needs"
        if plan.asked == 1
        else "the proposal, one other trial and the confirmation race on fresh data orders need"
    )
    fix = (
        f"--budget {plan.fit_budget:g} would fit them"
        if plan.fit_budget <= 10
        else "more than the largest --budget (10): lower seeds"
    )
    return Reason(
        "optuna-refine",
        f"No search: the budget {plan.budget:g}× of a {plan.total_steps}-step run{less} fits "
        f"no trial of {plan.floor} updates ({what} {plan.min_steps} steps in all; {fix}), "
        "so the proposal stands.",
        _SOURCE,
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
    if plan.n_trials < plan.asked:
        fix = f"--budget {plan.fit_budget:g}" if plan.fit_budget <= 10 else "no --budget up to 10"
        search += (
            f" (ran {plan.n_trials} of {plan.asked} trials: the budget {plan.budget:g}× fits no "
            f"more runs of at least {plan.floor} updates with the confirmation race; "
            f"{fix} would fit all {plan.asked})"
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
        values = confirm.get("winner_values", []), confirm.get("proposal_values", [])
        if _beats(*values) and not _holds(confirm):
            return (
                f"{search}; its best trial (#{confirm['trial']}, {best}) led the proposal by "
                f"{confirm['trial_gain']:.1%} in the trials but by only {confirm['gain']:.1%} on "
                f"{_orders(confirm)}{_length(confirm)}: a lead that shrinks as runs get longer "
                "is the short-horizon bias (a short run favours a higher LR than the full run "
                "wants), so the proposal is kept."
            )
        return (
            f"{search}; its best trial (#{confirm['trial']}, {best}) did not beat the proposal "
            f"by more than the noise on {_orders(confirm)}{_length(confirm)} (mean "
            f"{_fmt(confirm['winner'], 4)} vs {_fmt(confirm['proposal'], 4)}"
            f"{_criterion(confirm)}), so the proposal is kept."
        )
    if not changes:
        return f"{search}; the proposal scored best ({best}) and is kept."
    confirmed = (
        f", confirmed on {_orders(confirm)}{_length(confirm)} (mean {confirm['winner']:.4g} vs "
        f"the proposal's {_fmt(confirm['proposal'], 4)}{_criterion(confirm)})"
        if confirm is not None
        else ""
    )
    return f"{search}, changed {', '.join(changes)} ({best}{confirmed})."


def _orders(confirm: dict[str, Any]) -> str:
    n = len(confirm.get("seeds", ()))
    return f"{n} fresh data order{'s' if n != 1 else ''}"


def _length(confirm: dict[str, Any]) -> str:
    """The race's run length (none in older records)."""
    steps, trial = confirm.get("steps_per_run"), confirm.get("trial_steps")
    if not steps or not trial:
        return ""
    return f" in runs of {steps} steps, {steps / trial:.3g}× the trials'"


def _criterion(confirm: dict[str, Any]) -> str:
    """The race's criterion, as :func:`._race._beats` and :func:`._race._holds` apply it
    (none in older records)."""
    if "margin" not in confirm:
        return ""
    held = " and by at least its lead in the trials" if "trial_gain" in confirm else ""
    return (
        "; a winner must score lower on every one, and lower in the mean by more than "
        f"{confirm['margin']:.0%} of the proposal's{held}"
    )


def _fmt(value: float | None, digits: int = 3) -> str:
    return "none" if value is None else f"{value:.{digits}g}"
