"""Train a :class:`~lrtune.task.Task` under one LR schedule and score it by validation loss.

:func:`train` is the one training loop shared by the benchmark (``benchmarks/``) and the
recommender's Optuna trials. It never touches the task's model: each run trains a fresh
model, either ``copy.deepcopy(task.model)`` (default: every run starts from the same
weights, so only data order and dropout depend on the seed) or ``model_factory()`` called
after ``torch.manual_seed(seed)`` (the initialisation depends on the seed too). The
caller's torch RNG states (CPU and the CUDA device used) are restored on return.

Example:
    >>> import torch
    >>> from torch import nn
    >>> from lrtune.task import make_task
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> x = torch.randn(64, 3)
    >>> data = [(x, x.sum(1, keepdim=True))]
    >>> task = make_task(model=nn.Linear(3, 1), train_loader=data, val_loader=data,
    ...                  criterion=nn.MSELoss(), optimizer=torch.optim.SGD, epochs=50)
    >>> result = train(task, lr=0.1, steps_per="iteration", seed=0,
    ...                make_scheduler=lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(
    ...                    opt, T_max=50))
    >>> result.steps, result.val_loss < 1e-2
    (50, True)
"""

from __future__ import annotations

import copy
import dataclasses
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import torch
from torch import nn
from torch.optim import Optimizer
from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

from lrtune.task import Task, move_to_device

if TYPE_CHECKING:
    from lrtune.schedules import ScheduleSpec

__all__ = [
    "train",
    "train_schedule",
    "evaluate",
    "TrainResult",
    "EpochRecord",
    "SchedulerFactory",
    "Setup",
]

Scheduler = LRScheduler | ReduceLROnPlateau
SchedulerFactory = Callable[[Optimizer], Scheduler]
Setup = Callable[[nn.Module], tuple[Optimizer, Scheduler]]


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch ended with: optimizer steps so far, LR, mean train and val loss."""

    epoch: int
    step: int
    lr: float
    train_loss: float
    val_loss: float


@dataclass(frozen=True)
class TrainResult:
    """The outcome of one :func:`train` run.

    Attributes:
        val_loss: mean validation loss at the end (``inf`` if the run diverged).
        train_loss: mean training loss over the last epoch (``inf`` if diverged).
        steps: optimizer steps taken.
        seconds: wall time of the run.
        history: one :class:`EpochRecord` per epoch.
        diverged: a loss became non-finite.
        trace: with ``eval_every``, one record every that many optimizer steps (its train
            loss is the mean since the previous record).
    """

    val_loss: float
    train_loss: float
    steps: int
    seconds: float
    history: tuple[EpochRecord, ...] = field(default_factory=tuple)
    diverged: bool = False
    trace: tuple[EpochRecord, ...] = field(default_factory=tuple)


def train(
    task: Task,
    *,
    make_scheduler: SchedulerFactory | None = None,
    lr: float | None = None,
    setup: Setup | None = None,
    steps_per: Literal["iteration", "epoch"] = "iteration",
    epochs: int | None = None,
    seed: int = 0,
    device: str | torch.device = "cpu",
    max_steps: int | None = None,
    model_factory: Callable[[], nn.Module] | None = None,
    report: Callable[[int, float], None] | None = None,
    eval_every: int | None = None,
) -> TrainResult:
    """Train a fresh copy of ``task.model`` and return its final validation loss.

    Give either ``lr`` and ``make_scheduler`` (the optimizer is ``task.make_optimizer(params,
    lr)``), or ``setup(model) -> (optimizer, scheduler)`` (e.g. lrtune's emitted code).
    The scheduler steps after ``optimizer.step()``: every batch (``"iteration"``) or at
    the end of every epoch (``"epoch"``); a ``ReduceLROnPlateau`` steps per epoch on the
    validation loss. The validation loss is the batch-size-weighted mean of the loss over
    ``task.val_loader`` (``task.train_loader`` when there is none), in ``eval()`` mode.

    Args:
        task: the training setup; its model is not modified.
        make_scheduler: ``make_scheduler(optimizer)`` builds a torch LR scheduler.
        lr: the optimizer's LR (the schedule's base or peak).
        setup: alternative to ``lr``/``make_scheduler``: builds both from the model.
        steps_per: when the scheduler steps.
        epochs: training length (default ``task.epochs``).
        seed: ``torch.manual_seed(seed)`` before the model is built; drives shuffling.
        device: where to train.
        max_steps: stop after this many optimizer steps (then evaluate once more).
        model_factory: builds a fresh model after seeding; default deep-copies ``task.model``.
        report: called as ``report(epoch, val_loss)`` after each epoch (e.g. to prune an
            Optuna trial); its exceptions propagate.
        eval_every: also evaluate every this many optimizer steps, into ``trace`` (finer
            than per epoch, at the cost of one validation pass each).

    Raises:
        ValueError: inconsistent arguments.
    """
    if setup is None and (make_scheduler is None or lr is None):
        raise ValueError("give lr and make_scheduler, or setup; got neither complete.")
    if setup is not None and (make_scheduler is not None or lr is not None):
        raise ValueError("give lr and make_scheduler, or setup; got both.")
    if steps_per not in ("iteration", "epoch"):
        raise ValueError(f"steps_per must be 'iteration' or 'epoch', got {steps_per!r}.")
    epochs = epochs if epochs is not None else task.epochs
    if epochs is None or epochs < 1:
        raise ValueError(f"epochs must be a positive int (or task.epochs set), got {epochs!r}.")
    if max_steps is not None and max_steps < 1:
        raise ValueError(f"max_steps must be positive, got {max_steps}.")
    if eval_every is not None and eval_every < 1:
        raise ValueError(f"eval_every must be positive, got {eval_every}.")
    device = torch.device(device)
    cuda = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=cuda):
        torch.manual_seed(seed)
        model = model_factory() if model_factory is not None else copy.deepcopy(task.model)
        model.to(device)
        if setup is not None:
            optimizer, scheduler = setup(model)
        else:
            optimizer = task.make_optimizer(model.parameters(), lr)  # type: ignore[arg-type]
            scheduler = make_scheduler(optimizer)  # type: ignore[misc]
        return _loop(
            task,
            model,
            optimizer,
            scheduler,
            steps_per,
            epochs,
            device,
            max_steps,
            report,
            eval_every,
        )


def _loop(
    task: Task,
    model: nn.Module,
    optimizer: Optimizer,
    scheduler: Scheduler,
    steps_per: str,
    epochs: int,
    device: torch.device,
    max_steps: int | None,
    report: Callable[[int, float], None] | None,
    eval_every: int | None = None,
) -> TrainResult:
    plateau = isinstance(scheduler, ReduceLROnPlateau)
    modal = _modal(optimizer)
    if modal:
        optimizer.train()  # type: ignore[attr-defined]
    start = time.perf_counter()
    history: list[EpochRecord] = []
    trace: list[EpochRecord] = []
    since = torch.zeros((), device=device)  # train loss summed since the last trace record
    due: EpochRecord | None = None  # a trace record whose evaluation is still to come
    steps, train_loss, val_loss = 0, math.inf, math.inf
    for epoch in range(epochs):
        model.train()
        total = torch.zeros((), device=device)
        count = 0
        for batch in task.train_loader:
            if due is not None:  # the model as the previous step left it
                trace.append(_traced(task, model, optimizer, device, due))
                due = None
            batch = move_to_device(batch, device)
            optimizer.zero_grad(set_to_none=True)
            loss = task.loss_fn(model, batch)
            loss.backward()
            optimizer.step()
            if steps_per == "iteration" and not plateau:
                scheduler.step()
            total += loss.detach()
            count += 1
            steps += 1
            if eval_every is not None:
                since += loss.detach()
                if steps % eval_every == 0:
                    lr_now = float(optimizer.param_groups[0]["lr"])
                    due = EpochRecord(epoch, steps, lr_now, since.item() / eval_every, math.nan)
                    since.zero_()
            if max_steps is not None and steps >= max_steps:
                break
        train_loss = total.item() / max(count, 1)
        if not math.isfinite(train_loss):
            return _diverged(steps, start, history, trace)
        val_loss = _evaluate(task, model, optimizer, device)
        if due is not None:  # the epoch ended on a trace point: it shares this evaluation
            trace.append(dataclasses.replace(due, val_loss=val_loss))
            due = None
        if not math.isfinite(val_loss):
            return _diverged(steps, start, history, trace)
        lr_now = float(optimizer.param_groups[0]["lr"])
        history.append(EpochRecord(epoch, steps, lr_now, train_loss, val_loss))
        if report is not None:
            report(epoch, val_loss)
        if plateau:
            scheduler.step(val_loss)  # type: ignore[call-arg]
        elif steps_per == "epoch":
            scheduler.step()
        if max_steps is not None and steps >= max_steps:
            break
    seconds = time.perf_counter() - start
    return TrainResult(val_loss, train_loss, steps, seconds, tuple(history), trace=tuple(trace))


def _modal(optimizer: Optimizer) -> bool:
    """True for an optimizer with train()/eval() modes (schedule-free: eval() swaps in the
    averaged weights that are to be scored)."""
    return callable(getattr(optimizer, "train", None)) and callable(
        getattr(optimizer, "eval", None)
    )


def _evaluate(task: Task, model: nn.Module, optimizer: Optimizer, device: torch.device) -> float:
    """:func:`evaluate`, with a modal optimizer in its eval mode meanwhile."""
    if not _modal(optimizer):
        return evaluate(task, model, device=device)
    optimizer.eval()  # type: ignore[attr-defined]
    try:
        return evaluate(task, model, device=device)
    finally:
        optimizer.train()  # type: ignore[attr-defined]


def _traced(
    task: Task, model: nn.Module, optimizer: Optimizer, device: torch.device, due: EpochRecord
) -> EpochRecord:
    """``due`` with its validation loss, evaluated without touching the global RNG.

    A validation ``DataLoader`` draws a seed from it on every pass, which would change the
    next epoch's shuffle: a traced run must train exactly like an untraced one.
    """
    if not math.isfinite(due.train_loss):
        return dataclasses.replace(due, val_loss=due.train_loss)  # diverged: nothing to score
    with torch.random.fork_rng(devices=[]):
        return dataclasses.replace(due, val_loss=_evaluate(task, model, optimizer, device))


def _diverged(
    steps: int, start: float, history: list[EpochRecord], trace: list[EpochRecord]
) -> TrainResult:
    seconds = time.perf_counter() - start
    return TrainResult(
        math.inf, math.inf, steps, seconds, tuple(history), diverged=True, trace=tuple(trace)
    )


def train_schedule(task: Task, spec: ScheduleSpec, **options: Any) -> TrainResult:
    """:func:`train` under ``spec``: its peak LR and its scheduler, stepped on its basis.

    ``options`` are :func:`train`'s other keyword arguments (``epochs``, ``seed``,
    ``max_steps``, ...).
    """
    return train(task, make_scheduler=spec.build, lr=spec.lr, steps_per=spec.basis, **options)


def evaluate(task: Task, model: nn.Module, *, device: str | torch.device = "cpu") -> float:
    """Batch-size-weighted mean of ``task.loss_fn`` over the validation (else train) loader."""
    loader: Iterable[Any] = task.val_loader if task.val_loader is not None else task.train_loader
    was_training = model.training
    model.eval()
    total = torch.zeros((), dtype=torch.float64, device=device)
    weight = 0
    with torch.no_grad():
        for batch in loader:
            n = _batch_len(batch)
            total += task.loss_fn(model, move_to_device(batch, device)).double() * n
            weight += n
    model.train(was_training)
    return total.item() / weight if weight else math.nan


def _batch_len(batch: Any) -> int:
    """Samples in a batch: the leading dimension of its first tensor (1 if none)."""
    if isinstance(batch, torch.Tensor):
        return int(batch.shape[0]) if batch.dim() else 1
    values = batch.values() if isinstance(batch, dict) else batch
    if isinstance(values, Iterable) and not isinstance(values, (str, bytes)):
        for value in values:
            if isinstance(value, (torch.Tensor, list, tuple, dict)):
                return _batch_len(value)
    return 1
