"""The training setup lrtune works on, a :class:`Task`, and the loaders' helpers.

A task comes from a user's ``model.py`` (:func:`lrtune.model_file.load_task`, which checks
its contract) or from objects in a script (:func:`make_task`).

Example:
    >>> import torch
    >>> from torch import nn
    >>> data = torch.utils.data.TensorDataset(torch.randn(64, 4), torch.randn(64, 1))
    >>> task = make_task(model=nn.Linear(4, 1), criterion=nn.MSELoss(),
    ...                  train_loader=torch.utils.data.DataLoader(data, batch_size=16))
    >>> task.steps_per_epoch, task.n_samples, task.batch_size
    (4, 64, 16)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from lrtune.errors import EmptyLoaderError, TaskContractError

__all__ = [
    "Task",
    "LossFn",
    "OptimizerFactory",
    "make_task",
    "criterion_loss",
    "default_optimizer",
    "move_to_device",
    "loader_length",
    "dataset_size",
    "batch_size_of",
    "cycle",
    "StepsLoader",
    "describe",
]

LossFn = Callable[[nn.Module, Any], torch.Tensor]
OptimizerFactory = Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer]


def default_optimizer(params: Iterable[nn.Parameter], lr: float) -> torch.optim.Optimizer:
    """The optimizer used when model.py defines none: ``torch.optim.AdamW(params, lr=lr)``."""
    return torch.optim.AdamW(params, lr=lr)


@dataclass(frozen=True)
class Task:
    """Everything lrtune needs from a training setup.

    Attributes:
        model: the network (the range test leaves it exactly as it was).
        train_loader: iterable of batches.
        loss_fn: ``loss_fn(model, batch) -> scalar Tensor`` (the batch already on the device).
        make_optimizer: ``make_optimizer(params, lr) -> Optimizer``.
        val_loader: optional held-out batches.
        epochs: planned training length in epochs, if known.
        source: the model.py this task came from, if any.
        model_factory: builds a fresh model (when model.py's ``model`` is a function): the
            range test's repeats then vary the initialisation as well as the data order.
        max_steps: the planned run as a number of optimizer steps (as Lightning and HF name
            it); it overrides ``epochs`` and is planned on the iteration basis.
        epoch_length: batches per epoch, for a loader without ``len`` (model.py's
            ``steps_per_epoch``); it also overrides a loader's own ``len``.
    """

    model: nn.Module
    train_loader: Iterable[Any]
    loss_fn: LossFn
    make_optimizer: OptimizerFactory = default_optimizer
    val_loader: Iterable[Any] | None = None
    epochs: int | None = None
    source: Path | None = None
    model_factory: Callable[[], nn.Module] | None = None
    max_steps: int | None = None
    epoch_length: int | None = None

    @property
    def steps_per_epoch(self) -> int | None:
        """Batches per epoch: model.py's ``steps_per_epoch``, else ``len(train_loader)``
        (``None`` when neither is known)."""
        return self.epoch_length or loader_length(self.train_loader)

    @property
    def n_samples(self) -> int | None:
        """Number of training samples, when the loader exposes its dataset."""
        return dataset_size(self.train_loader)

    @property
    def batch_size(self) -> int | None:
        """Batch size, when the loader exposes it."""
        return batch_size_of(self.train_loader)


def move_to_device(batch: Any, device: torch.device | str) -> Any:
    """Move every tensor inside a (nested) batch to ``device``, non-blocking."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, dict):
        return {k: move_to_device(v, device) for k, v in batch.items()}
    if isinstance(batch, tuple) and hasattr(batch, "_fields"):  # namedtuple
        return type(batch)(*(move_to_device(v, device) for v in batch))
    if isinstance(batch, (list, tuple)):
        return type(batch)(move_to_device(v, device) for v in batch)
    return batch


def loader_length(loader: Iterable[Any]) -> int | None:
    """``len(loader)`` or ``None``."""
    try:
        return len(loader)  # type: ignore[arg-type]
    except TypeError:
        return None


def dataset_size(loader: Iterable[Any]) -> int | None:
    """Number of samples in a ``DataLoader``'s dataset, else ``None``."""
    dataset = getattr(loader, "dataset", None)
    try:
        return len(dataset) if dataset is not None else None  # type: ignore[arg-type]
    except TypeError:
        return None


def batch_size_of(loader: Iterable[Any]) -> int | None:
    """A ``DataLoader``'s batch size (also through a batch sampler), else ``None``."""
    size = getattr(loader, "batch_size", None)
    if size is None:
        size = getattr(getattr(loader, "batch_sampler", None), "batch_size", None)
    return int(size) if size is not None else None


def cycle(loader: Iterable[Any]) -> Iterator[Any]:
    """Yield batches forever, starting a new pass whenever ``loader`` is exhausted.

    Raises:
        EmptyLoaderError: if a pass yields nothing.
    """
    while True:
        empty = True
        for batch in loader:
            empty = False
            yield batch
        if empty:
            raise EmptyLoaderError(
                "train_loader yielded no batch: check the dataset is not empty and "
                "drop_last=False or batch_size <= the number of samples."
            )


class StepsLoader:
    """``steps`` batches per pass over ``loader``, which is cycled (never restarted mid-way):
    the "epoch" of a run planned in optimizer updates (``max_steps``), whatever the loader's
    own length, or a stream without one.

    Example:
        >>> loader = StepsLoader([1, 2, 3], 4)
        >>> len(loader), list(loader), list(loader)
        (4, [1, 2, 3, 1], [2, 3, 1, 2])
    """

    def __init__(self, loader: Iterable[Any], steps: int) -> None:
        self.loader, self.steps = loader, steps
        self._batches: Iterator[Any] | None = None

    def __len__(self) -> int:
        return self.steps

    def __iter__(self) -> Iterator[Any]:
        if self._batches is None:
            self._batches = cycle(self.loader)
        return itertools.islice(self._batches, self.steps)


def criterion_loss(criterion: Callable[[Any, Any], torch.Tensor]) -> LossFn:
    """Wrap ``criterion(output, target)`` as ``loss_fn(model, batch)`` for (inputs, targets)."""

    def loss_fn(model: nn.Module, batch: Any) -> torch.Tensor:
        if isinstance(batch, dict) or not isinstance(batch, (list, tuple)) or len(batch) != 2:
            raise TaskContractError(
                f"criterion needs (inputs, targets) batches, got {describe(batch)}: "
                "define loss_fn(model, batch) in model.py for other batch formats."
            )
        inputs, targets = batch
        return criterion(model(inputs), targets)

    loss_fn.criterion = criterion  # type: ignore[attr-defined]
    return loss_fn


def make_task(
    *,
    model: nn.Module,
    train_loader: Iterable[Any],
    loss_fn: LossFn | None = None,
    criterion: Callable[[Any, Any], torch.Tensor] | None = None,
    optimizer: OptimizerFactory | None = None,
    val_loader: Iterable[Any] | None = None,
    epochs: int | None = None,
    source: Path | None = None,
    model_factory: Callable[[], nn.Module] | None = None,
    max_steps: int | None = None,
    steps_per_epoch: int | None = None,
) -> Task:
    """Build a :class:`Task` from objects, checking their types (not running them).

    Example:
        >>> import torch
        >>> from torch import nn
        >>> data = [(torch.randn(4, 3), torch.randint(0, 2, (4,)))]
        >>> task = make_task(model=nn.Linear(3, 2), train_loader=data,
        ...                  criterion=nn.CrossEntropyLoss())
        >>> task.steps_per_epoch
        1
    """
    where = f"{source}: " if source else ""
    if not isinstance(model, nn.Module):
        raise TaskContractError(
            f"{where}model must be an nn.Module (or a function returning one), "
            f"got {type(model).__name__}."
        )
    if not isinstance(train_loader, Iterable):
        raise TaskContractError(
            f"{where}train_loader must be iterable (e.g. a DataLoader), "
            f"got {type(train_loader).__name__}."
        )
    if val_loader is not None and not isinstance(val_loader, Iterable):
        raise TaskContractError(
            f"{where}val_loader must be iterable (e.g. a DataLoader), "
            f"got {type(val_loader).__name__}."
        )
    if loss_fn is None and criterion is None:
        raise TaskContractError(
            f"{where}define loss_fn(model, batch) or criterion(output, target)."
        )
    if loss_fn is not None and not callable(loss_fn):
        raise TaskContractError(
            f"{where}loss_fn must be callable as loss_fn(model, batch), "
            f"got {type(loss_fn).__name__}."
        )
    if criterion is not None and not callable(criterion):
        raise TaskContractError(
            f"{where}criterion must be callable as criterion(output, target), "
            f"got {type(criterion).__name__}."
        )
    if optimizer is not None and not callable(optimizer):
        raise TaskContractError(
            f"{where}optimizer must be a function optimizer(params, lr) -> Optimizer, "
            f"got {type(optimizer).__name__}."
        )
    for name, value in (
        ("epochs", epochs),
        ("max_steps", max_steps),
        ("steps_per_epoch", steps_per_epoch),
    ):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 1
        ):
            raise TaskContractError(f"{where}{name} must be a positive int, got {value!r}.")
    return Task(
        model=model,
        train_loader=train_loader,
        loss_fn=loss_fn if loss_fn is not None else criterion_loss(criterion),  # type: ignore[arg-type]
        make_optimizer=optimizer or default_optimizer,
        val_loader=val_loader,
        epochs=epochs,
        source=source,
        model_factory=model_factory,
        max_steps=max_steps,
        epoch_length=steps_per_epoch,
    )


def describe(batch: Any) -> str:
    if isinstance(batch, torch.Tensor):
        return f"Tensor{tuple(batch.shape)}"
    if isinstance(batch, dict):
        return "dict(" + ", ".join(f"{k}={describe(v)}" for k, v in batch.items()) + ")"
    if isinstance(batch, (list, tuple)):
        return type(batch).__name__ + "(" + ", ".join(describe(v) for v in batch) + ")"
    return type(batch).__name__
