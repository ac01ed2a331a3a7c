"""lrtune: pick the learning rate and the LR schedule for a PyTorch model."""

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
from lrtune.rangetest import RangeTestConfig, RangeTestResult, range_test
from lrtune.recommend import Recommendation, TuneConfig
from lrtune.schedules import make_schedule
from lrtune.state import preserved_state
from lrtune.task import Task, load_task, make_task

__version__ = "0.1.0"

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
