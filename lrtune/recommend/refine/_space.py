"""The search space, derived from the proposal and the range test, and a trial's spec.

A trial's parameters (:func:`_suggest`, or the proposal's own, :func:`_proposal_params`) stand
for a schedule at the full planned length (:func:`_full_spec`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lrtune.analysis.curve import CurveAnalysis
from lrtune.errors import ConfigError
from lrtune.recommend._recommendation import Recommendation
from lrtune.recommend.peak import PeakLrRule
from lrtune.recommend.refine._plan import _Plan
from lrtune.schedules import ScheduleSpec, get_schedule, schedule_params, spec_for_run

__all__ = ["_Space", "_full_spec", "_proposal_params", "_space", "_suggest"]

_ETA_MAX = 0.2
_WARMUP_MAX = 0.2


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
