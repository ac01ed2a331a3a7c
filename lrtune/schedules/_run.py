"""Fill a schedule's periods from a planned run (the defaults the CLI and recommender use)."""

from __future__ import annotations

from typing import Any

from lrtune.errors import ConfigError
from lrtune.schedules._base import Basis, ScheduleSpec, check_number
from lrtune.schedules._registry import make_schedule, schedule_params

__all__ = ["spec_for_run"]


def spec_for_run(
    name: str,
    *,
    lr: float,
    epochs: int,
    steps_per_epoch: int,
    basis: Basis = "epoch",
    warmup: int = 0,
    eta_min_ratio: float | None = None,
    params: dict[str, Any] | None = None,
) -> ScheduleSpec:
    """Build schedule ``name`` for a run of ``epochs`` × ``steps_per_epoch`` updates.

    Periods not given in ``params`` default to the whole run in basis units (``epochs`` or
    ``epochs × steps_per_epoch``): ``total`` and ``T_0`` = the run, ``step_size`` = a third of
    it, ``milestones`` = at one half and three quarters. ``warmup`` is in basis units.

    Example:
        >>> spec = spec_for_run("cosine", lr=0.01, epochs=3, steps_per_epoch=10,
        ...                     basis="iteration", warmup=5, eta_min_ratio=0.01)
        >>> spec.total, spec.warmup
        (30, 5)
    """
    check_number("epochs", epochs, low=1, integer=True)
    check_number("steps_per_epoch", steps_per_epoch, low=1, integer=True)
    run = epochs if basis == "epoch" else epochs * steps_per_epoch
    fields = schedule_params(name)
    given = dict(params or {})
    defaults = {
        "total": run,
        "T_0": run,
        "step_size": max(1, run // 3),
        "milestones": tuple(sorted({max(1, run // 2), max(2, 3 * run // 4)})),
    }
    values: dict[str, Any] = {"lr": lr, "basis": basis, "warmup": warmup}
    for key, default in defaults.items():
        if key in fields and key not in given:
            values[key] = default
    if eta_min_ratio is not None:
        if "eta_min_ratio" not in fields:
            raise ConfigError(
                f"eta_min_ratio: expected no floor for {name!r} (it has no eta_min_ratio), got"
                f" {eta_min_ratio}"
            )
        values["eta_min_ratio"] = eta_min_ratio
    values.update(given)
    return make_schedule(name, **values)
