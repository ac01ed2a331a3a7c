"""lrtune: pick the learning rate and the LR schedule for a PyTorch model.

The public names load lazily (on first access), so that ``import lrtune`` and the
command line's ``--help`` start without importing torch, scipy or matplotlib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from lrtune.analysis import CurveAnalysis, analyze_curve
    from lrtune.api import FindConfig, FindResult, find, load_result, recommend_from_result
    from lrtune.errors import (
        ConfigError,
        DivergedAtStartError,
        EmptyLoaderError,
        LrtuneError,
        ModelFileError,
        ResultFileError,
        TaskContractError,
        UnknownSchedulerError,
    )
    from lrtune.model_file import load_task
    from lrtune.rangetest import RangeTestConfig, RangeTestResult, range_test
    from lrtune.recommend import Recommendation, TuneConfig
    from lrtune.schedules import make_schedule
    from lrtune.state import preserved_state
    from lrtune.task import Task, make_task

#: Where each public name lives.
_EXPORTS = {
    "CurveAnalysis": "lrtune.analysis",
    "analyze_curve": "lrtune.analysis",
    "FindConfig": "lrtune.api",
    "FindResult": "lrtune.api",
    "find": "lrtune.api",
    "load_result": "lrtune.api",
    "recommend_from_result": "lrtune.api",
    "ConfigError": "lrtune.errors",
    "DivergedAtStartError": "lrtune.errors",
    "EmptyLoaderError": "lrtune.errors",
    "LrtuneError": "lrtune.errors",
    "ModelFileError": "lrtune.errors",
    "ResultFileError": "lrtune.errors",
    "TaskContractError": "lrtune.errors",
    "UnknownSchedulerError": "lrtune.errors",
    "RangeTestConfig": "lrtune.rangetest",
    "RangeTestResult": "lrtune.rangetest",
    "range_test": "lrtune.rangetest",
    "Recommendation": "lrtune.recommend",
    "TuneConfig": "lrtune.recommend",
    "make_schedule": "lrtune.schedules",
    "preserved_state": "lrtune.state",
    "Task": "lrtune.task",
    "load_task": "lrtune.model_file",
    "make_task": "lrtune.task",
}

__all__ = [
    "ConfigError",
    "CurveAnalysis",
    "FindConfig",
    "FindResult",
    "RangeTestConfig",
    "RangeTestResult",
    "Recommendation",
    "TuneConfig",
    "analyze_curve",
    "find",
    "load_result",
    "make_schedule",
    "range_test",
    "recommend_from_result",
    "DivergedAtStartError",
    "EmptyLoaderError",
    "LrtuneError",
    "ModelFileError",
    "ResultFileError",
    "Task",
    "TaskContractError",
    "UnknownSchedulerError",
    "load_task",
    "make_task",
    "preserved_state",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first access (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'lrtune' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
