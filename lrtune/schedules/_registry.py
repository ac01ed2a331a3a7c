"""The registry of schedule types: list, look up, make, and load from a dict."""

from __future__ import annotations

import dataclasses
from typing import Any

from lrtune.errors import ConfigError, UnknownSchedulerError
from lrtune.schedules._base import ScheduleSpec
from lrtune.schedules._cosine import CosineRestartsSchedule, CosineSchedule
from lrtune.schedules._decay import LinearSchedule, PolynomialSchedule, WSDSchedule
from lrtune.schedules._onecycle import OneCycleSchedule
from lrtune.schedules._plateau import PlateauSchedule
from lrtune.schedules._simple import (
    ConstantSchedule,
    ExponentialSchedule,
    MultiStepSchedule,
    StepSchedule,
)

__all__ = ["get_schedule", "list_schedules", "make_schedule", "schedule_params", "spec_from_dict"]

_REGISTRY: dict[str, type[ScheduleSpec]] = {
    cls.name: cls
    for cls in (
        ConstantSchedule,
        StepSchedule,
        MultiStepSchedule,
        ExponentialSchedule,
        CosineSchedule,
        CosineRestartsSchedule,
        OneCycleSchedule,
        LinearSchedule,
        PolynomialSchedule,
        WSDSchedule,
        PlateauSchedule,
    )
}


def list_schedules() -> list[str]:
    """Names of every registered schedule type, in catalogue order.

    Example:
        >>> "cosine" in list_schedules()
        True
    """
    return list(_REGISTRY)


def get_schedule(name: str) -> type[ScheduleSpec]:
    """The spec class registered as ``name``.

    Raises:
        UnknownSchedulerError: ``name`` is not registered; the message lists the valid names.

    Example:
        >>> get_schedule("cosine").__name__
        'CosineSchedule'
    """
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise UnknownSchedulerError(
            f"unknown scheduler: expected one of {', '.join(_REGISTRY)}, got {name!r}"
        ) from None


def schedule_params(name: str) -> dict[str, Any]:
    """Parameters of schedule ``name`` and their defaults (``dataclasses.MISSING`` if required).

    Example:
        >>> schedule_params("step")["gamma"]
        0.1
    """
    return {f.name: f.default for f in dataclasses.fields(get_schedule(name))}


def make_schedule(name: str, **params: Any) -> ScheduleSpec:
    """Build the spec ``name`` from keyword parameters (validated).

    Example:
        >>> make_schedule("cosine", lr=0.1, total=10).lr_at(0)
        0.1
    """
    cls = get_schedule(name)
    known = schedule_params(name)
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ConfigError(
            f"{name}: expected parameters among {', '.join(known)}, got {', '.join(unknown)}"
        )
    missing = [k for k, v in known.items() if v is dataclasses.MISSING and k not in params]
    if missing:
        raise ConfigError(f"{name}: expected a value for {', '.join(missing)}, got none")
    return cls(**params)


def spec_from_dict(data: dict[str, Any]) -> ScheduleSpec:
    """Inverse of :meth:`ScheduleSpec.to_dict`.

    Example:
        >>> spec = make_schedule("step", lr=0.1, step_size=3)
        >>> spec_from_dict(spec.to_dict()) == spec
        True
    """
    if not isinstance(data, dict) or "name" not in data:
        raise ConfigError(f"schedule: expected a dict with a 'name' key, got {data!r}")
    params = dict(data)
    return make_schedule(params.pop("name"), **params)
