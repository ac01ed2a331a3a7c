"""The benchmark tasks: each ``benchmarks/tasks/<name>/model.py`` is a valid lrtune model.py.

Every task module defines ``model`` as a zero-argument factory, so a run can build a
fresh, seed-dependent model (:attr:`BenchTask.model_factory`) while ``task.model`` is
one instance built at load time (what lrtune itself sees).
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import torch
from torch import nn

from lrtune.task import Task, make_task

__all__ = ["TASKS_DIR", "BenchTask", "task_names", "load", "file_hash"]

TASKS_DIR = Path(__file__).parent / "tasks"


@dataclass(frozen=True)
class BenchTask:
    """A loaded benchmark task.

    Attributes:
        name: the folder name under ``benchmarks/tasks``.
        path: its model.py.
        task: the lrtune :class:`Task` (``task.model`` is built with seed 0).
        module: the imported model.py (for extras such as ``CRITICAL_LR``).
    """

    name: str
    path: Path
    task: Task
    module: ModuleType

    def model_factory(self) -> nn.Module:
        """A fresh model, initialised from the current torch RNG."""
        return self.module.model()

    @property
    def planned_steps(self) -> int:
        """Optimizer steps in the planned training (epochs x batches per epoch)."""
        return int(self.task.epochs) * int(self.task.steps_per_epoch)  # type: ignore[arg-type]

    @property
    def hash(self) -> str:
        return file_hash(self.path)


def task_names() -> list[str]:
    """Every task folder that holds a model.py, sorted."""
    return sorted(p.parent.name for p in TASKS_DIR.glob("*/model.py"))


def file_hash(path: Path) -> str:
    """SHA-256 (first 16 hex digits) of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


@cache
def load(name: str) -> BenchTask:
    """Import ``benchmarks/tasks/<name>/model.py`` once and build its task."""
    if name not in task_names():
        raise ValueError(f"unknown task {name!r}; expected one of {', '.join(task_names())}.")
    module = importlib.import_module(f"benchmarks.tasks.{name}.model")
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = module.model()
    task = make_task(
        model=model,
        train_loader=module.train_loader,
        loss_fn=getattr(module, "loss_fn", None),
        criterion=getattr(module, "criterion", None),
        optimizer=module.optimizer,
        val_loader=module.val_loader,
        epochs=module.epochs,
        source=Path(module.__file__),
    )
    return BenchTask(name=name, path=Path(module.__file__), task=task, module=module)
