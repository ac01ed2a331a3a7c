"""The recommender's frozen output: a full schedule, the reasons, and the search record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lrtune.schedules import ScheduleSpec, spec_from_dict

__all__ = ["Reason", "SearchRecord", "Recommendation"]


@dataclass(frozen=True)
class Reason:
    """One rule that fired: its name, a one-sentence reason, and the source it rests on."""

    rule: str
    text: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "text": self.text, "source": self.source}


@dataclass(frozen=True)
class SearchRecord:
    """What a refinement search did and what it cost.

    ``cost_steps`` counts optimizer steps spent by all trials, by the confirmation race
    after them and by the horizon check before them (range test excluded);
    ``cost_fraction`` is that over the planned training's total steps. ``confirmation``
    is the race of the best trial against the proposal on fresh data orders (``trial``,
    ``seeds``, ``steps``, the mean validation losses ``proposal`` and ``winner``, and which
    was ``kept``), ``None`` when the proposal itself scored best. ``interrupted``: the
    search was stopped (Ctrl-C) before it finished; the proposal was kept, unconfirmed.
    """

    n_trials: int
    n_pruned: int
    cost_steps: int
    cost_fraction: float
    best_value: float | None
    trials: tuple[dict[str, Any], ...] = ()
    storage: str | None = None
    study_name: str | None = None
    confirmation: dict[str, Any] | None = None
    interrupted: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "n_trials": self.n_trials,
            "n_pruned": self.n_pruned,
            "cost_steps": self.cost_steps,
            "cost_fraction": self.cost_fraction,
            "best_value": self.best_value,
            "storage": self.storage,
            "study_name": self.study_name,
            "confirmation": self.confirmation,
            "interrupted": self.interrupted,
            "trials": list(self.trials),
        }


@dataclass(frozen=True)
class Recommendation:
    """A schedule with every parameter filled in, and why.

    ``search`` records the Optuna refinement, ``check`` the horizon check
    (:mod:`lrtune.recommend.horizon`), ``probe`` the stability probe
    (:mod:`lrtune.recommend.probe`) and ``race`` the zoom's race
    (:mod:`lrtune.recommend.zoom_race`), each ``None`` when it did not run. ``ceiling``: a
    higher peak the stability probe tries first, halving it while it blows up; the peak
    proposed stays at or below the first of those that held (``None``: no ceiling).
    ``limit``: how high the stability probe may raise a peak at which nothing was learnt
    (under the floor rule, half the higher of the divergence LR and the LR where the range
    test's runs blew up; ``None``: it raises none).

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> rec = Recommendation(make_schedule("cosine", lr=0.01, total=30, basis="epoch"))
        >>> rec.to_dict()["scheduler"], rec.to_dict()["decay_period"]
        ('cosine', 30)
    """

    schedule: ScheduleSpec
    reasons: tuple[Reason, ...] = ()
    candidates: tuple[str, ...] = ()
    search: SearchRecord | None = None
    steps_per_epoch: int | None = None
    epochs: int | None = None
    check: dict[str, Any] | None = None
    probe: dict[str, Any] | None = None
    race: dict[str, Any] | None = None
    ceiling: float | None = None
    limit: float | None = None

    @property
    def scheduler(self) -> str:
        return self.schedule.name

    @property
    def basis(self) -> str:
        return self.schedule.basis

    @property
    def initial_lr(self) -> float:
        return self.schedule.lr

    @property
    def eta_min_ratio(self) -> float | None:
        return getattr(self.schedule, "eta_min_ratio", None)

    @property
    def decay_period(self) -> int | None:
        """The length of the decay in basis units, after the warmup (``None`` if no period).

        For specs with a ``total`` (the whole run), that is ``total - warmup``; otherwise the
        spec's first period field (``step_size``, ``T_0``, ...).
        """
        fields = self.schedule.period_fields
        if not fields:
            return None
        if fields[0] == "total":
            return self.schedule.total - self.schedule.warmup  # type: ignore[attr-defined]
        value = getattr(self.schedule, fields[0])
        return value if isinstance(value, int) else None

    @property
    def warmup(self) -> int:
        return self.schedule.warmup

    def to_dict(self) -> dict[str, Any]:
        """The ``recommendation`` part of result.json (docs/result-json.md)."""
        return {
            "scheduler": self.scheduler,
            "basis": self.basis,
            "initial_lr": self.initial_lr,
            "eta_min_ratio": self.eta_min_ratio,
            "decay_period": self.decay_period,
            "warmup": self.warmup,
            "steps_per_epoch": self.steps_per_epoch,
            "epochs": self.epochs,
            "schedule": self.schedule.to_dict(),
            "reasons": [r.to_dict() for r in self.reasons],
            "candidates": list(self.candidates),
            "search": self.search.to_dict() if self.search else None,
            "check": self.check,
            "probe": self.probe,
            "race": self.race,
            "ceiling": self.ceiling,
            "limit": self.limit,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recommendation:
        search = data.get("search")
        return cls(
            schedule=spec_from_dict(data["schedule"]),
            reasons=tuple(Reason(**r) for r in data.get("reasons", [])),
            candidates=tuple(data.get("candidates", [])),
            search=_search_record(search) if search else None,
            steps_per_epoch=data.get("steps_per_epoch"),
            epochs=data.get("epochs"),
            check=data.get("check"),
            probe=data.get("probe"),
            race=data.get("race"),
            ceiling=data.get("ceiling"),
            limit=data.get("limit"),
        )


def _search_record(data: dict[str, Any]) -> SearchRecord:
    """Read a search record, ignoring keys of other versions (``check`` moved up a level)."""
    known = {k: v for k, v in data.items() if k in SearchRecord.__dataclass_fields__}
    return SearchRecord(**{**known, "trials": tuple(data.get("trials", []))})
