"""The benchmark tasks: each ``benchmarks/tasks/<name>/model.py`` is a valid lrtune model.py.

Every task module defines ``model`` as a zero-argument factory, so a run can build a
fresh, seed-dependent model (:attr:`BenchTask.model_factory`) while ``task.model`` is
one instance built at load time (what lrtune itself sees).

A task plans its run in epochs (``epochs``) or in optimizer updates (``max_steps``, over a
loader that may have no ``len``); :meth:`BenchTask.train` trains exactly
:attr:`BenchTask.planned_steps` updates either way.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

import torch
from torch import nn

from lrtune.task import StepsLoader, Task, make_task
from lrtune.train import TrainResult, train

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
        """Optimizer steps in the planned training: the task's ``max_steps`` when it gives
        its run in updates, else epochs x batches per epoch."""
        if self.task.max_steps is not None:
            return int(self.task.max_steps)
        return int(self.task.epochs) * int(self.task.steps_per_epoch)  # type: ignore[arg-type]

    def find_task(self, seed: int) -> Task:
        """The task as ``lrtune find model.py --seed seed`` builds it: the model from the
        factory after ``torch.manual_seed(seed)`` (the caller's RNG left as it was), and the
        factory kept, so each range-test repeat builds its own."""
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            model = self.model_factory()
        return dataclasses.replace(self.task, model=model, model_factory=self.model_factory)

    def run_task(self) -> Task:
        """The task as one training run sees it.

        A run given in updates (``max_steps``) is one "epoch" of ``max_steps`` batches of the
        cycled loader (:class:`lrtune.task.StepsLoader`, as lrtune's own check and search
        train it): a loader without ``len`` works, an epoch-basis scheduler steps once, at
        the end. A task that gives ``steps_per_epoch`` (and ``epochs``) has epochs of that
        many batches of the cycled loader. The wrapper is new on every call, so every run
        starts its own pass over the loader (a stream restarts from the run's seed). Other
        tasks are returned as they are.
        """
        task = self.task
        if task.max_steps is not None:
            loader = StepsLoader(task.train_loader, task.max_steps)
            return dataclasses.replace(task, train_loader=loader, epochs=1)
        if task.epoch_length is not None:
            loader = StepsLoader(task.train_loader, task.epoch_length)
            return dataclasses.replace(task, train_loader=loader)
        return task

    def train(self, **kwargs: object) -> TrainResult:
        """:func:`lrtune.train.train` on :meth:`run_task` from a fresh model of the task's
        factory: exactly :attr:`planned_steps` optimizer updates (``kwargs``: the LR and
        scheduler, or ``setup``; ``steps_per``, ``seed``, ``device``). A task planned in
        epochs trains as before (its epochs over its loader)."""
        return train(
            self.run_task(),
            model_factory=self.model_factory,
            max_steps=self.task.max_steps,
            **kwargs,  # type: ignore[arg-type]
        )

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
        epochs=getattr(module, "epochs", None),
        max_steps=getattr(module, "max_steps", None),
        steps_per_epoch=getattr(module, "steps_per_epoch", None),
        source=Path(module.__file__),
    )
    return BenchTask(name=name, path=Path(module.__file__), task=task, module=module)
