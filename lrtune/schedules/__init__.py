"""The schedule catalogue: one small frozen spec per scheduler type, and a registry.

Example:
    >>> from lrtune.schedules import make_schedule
    >>> spec = make_schedule("cosine", lr=0.01, total=30, warmup=5, basis="iteration")
    >>> round(spec.lr_at(5), 6)
    0.01
"""

from lrtune.schedules._base import Basis, ScheduleSpec, TorchPart
from lrtune.schedules._cosine import CosineRestartsSchedule, CosineSchedule
from lrtune.schedules._decay import LinearSchedule, PolynomialSchedule, WSDSchedule
from lrtune.schedules._onecycle import OneCycleSchedule
from lrtune.schedules._plateau import PlateauSchedule
from lrtune.schedules._registry import (
    get_schedule,
    list_schedules,
    make_schedule,
    schedule_params,
    spec_from_dict,
)
from lrtune.schedules._run import spec_for_run
from lrtune.schedules._simple import (
    ConstantSchedule,
    ExponentialSchedule,
    MultiStepSchedule,
    StepSchedule,
)

__all__ = [
    "Basis",
    "ConstantSchedule",
    "CosineRestartsSchedule",
    "CosineSchedule",
    "ExponentialSchedule",
    "LinearSchedule",
    "MultiStepSchedule",
    "OneCycleSchedule",
    "PlateauSchedule",
    "PolynomialSchedule",
    "ScheduleSpec",
    "StepSchedule",
    "TorchPart",
    "WSDSchedule",
    "get_schedule",
    "list_schedules",
    "make_schedule",
    "schedule_params",
    "spec_for_run",
    "spec_from_dict",
]
