"""lrtune: pick the learning rate and the LR schedule for a PyTorch model."""

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
from lrtune.state import preserved_state
from lrtune.task import Task, load_task, make_task

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
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
