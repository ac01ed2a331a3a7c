"""Load a user's ``model.py`` and check its contract, giving a :class:`Task`.

The contract (see docs/model-py.md): module-level names, each an object or a
zero-argument factory:

- ``model``: an ``nn.Module``
- ``train_loader``: an iterable of batches (a ``DataLoader`` also tells the dataset size)
- ``loss_fn(model, batch) -> Tensor``, or ``criterion(output, target)`` for
  ``(inputs, targets)`` batches
- optional ``optimizer(params, lr) -> Optimizer`` (default: ``torch.optim.AdamW(params, lr=lr)``),
  ``val_loader``, ``epochs`` (planned training length)

Example:
    >>> from lrtune.task import load_task
    >>> task = load_task("examples/digits_cnn/model.py")  # doctest: +SKIP
    >>> task.steps_per_epoch  # doctest: +SKIP
    23
"""

from __future__ import annotations

import importlib.util
import inspect
import itertools
import sys
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from lrtune.errors import EmptyLoaderError, ModelFileError, TaskContractError
from lrtune.state import seed_everything, seeded

__all__ = [
    "Task",
    "LossFn",
    "OptimizerFactory",
    "load_task",
    "make_task",
    "criterion_loss",
    "default_optimizer",
    "move_to_device",
    "loader_length",
    "dataset_size",
    "batch_size_of",
    "cycle",
    "StepsLoader",
]

LossFn = Callable[[nn.Module, Any], torch.Tensor]
OptimizerFactory = Callable[[Iterable[nn.Parameter], float], torch.optim.Optimizer]

_REQUIRED = ("model", "train_loader")
_KNOWN = (
    "model",
    "train_loader",
    "loss_fn",
    "criterion",
    "optimizer",
    "val_loader",
    "epochs",
    "max_steps",
    "steps_per_epoch",
)


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
                f"criterion needs (inputs, targets) batches, got {_describe(batch)}: "
                "define loss_fn(model, batch) in model.py for other batch formats."
            )
        inputs, targets = batch
        return criterion(model(inputs), targets)

    loss_fn.criterion = criterion  # type: ignore[attr-defined]
    return loss_fn


def load_task(path: str | Path, *, check: bool = True, seed: int | None = 0) -> Task:
    """Import ``model.py`` at ``path`` and return its :class:`Task`.

    The same ``seed`` gives the same task: every RNG (torch CPU and CUDA, numpy, ``random``)
    is seeded with it before model.py is imported and again before each factory in it is
    called, so the model's initial weights do not depend on what ran before; the caller's
    RNG states are restored afterwards.

    Args:
        path: the file to load.
        check: run one batch through the loss to validate the contract (state is restored).
        seed: the seed (``None``: leave the RNGs alone, as plain Python would).

    Raises:
        ModelFileError: missing file, syntax error, or an exception while importing.
        TaskContractError: names missing or of the wrong kind, an empty loader, a bad loss.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(
            f"{path}: no such file; pass the path of a model.py that defines model and "
            "train_loader (see docs/model-py.md)."
        )
    with seeded(seed):
        return _task_from(path, _import_file(path), check=check, seed=seed)


def _task_from(path: Path, module: Any, *, check: bool, seed: int | None) -> Task:
    names = {name: getattr(module, name) for name in _KNOWN if hasattr(module, name)}
    missing = [name for name in _REQUIRED if name not in names]
    if "loss_fn" not in names and "criterion" not in names:
        missing.append("loss_fn or criterion")
    if missing:
        found = sorted(n for n in vars(module) if not n.startswith("_"))
        raise TaskContractError(
            f"{path}: missing {', '.join(missing)}; expected model, train_loader and "
            f"loss_fn (or criterion), found: {', '.join(found) or 'nothing'}."
        )
    values = {name: _resolve(name, value, path, seed) for name, value in names.items()}
    factory = names["model"] if values["model"] is not names["model"] else None
    task = make_task(
        model=values["model"],
        model_factory=factory,
        train_loader=values["train_loader"],
        loss_fn=values.get("loss_fn"),
        criterion=values.get("criterion"),
        optimizer=values.get("optimizer"),
        val_loader=values.get("val_loader"),
        epochs=values.get("epochs"),
        max_steps=values.get("max_steps"),
        steps_per_epoch=values.get("steps_per_epoch"),
        source=path,
    )
    if check:
        check_task(task)
    return task


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


def _needs_closure(optimizer: torch.optim.Optimizer) -> bool:
    """True when ``optimizer.step`` has a ``closure`` without a default (e.g. LBFGS)."""
    try:
        closure = inspect.signature(optimizer.step).parameters.get("closure")
    except (TypeError, ValueError):  # a step without a readable signature: assume not
        return False
    return closure is not None and closure.default is inspect.Parameter.empty


def check_task(task: Task) -> None:
    """Run one training batch through the loss and one step of the optimizer.

    The model (weights, gradients, BatchNorm statistics) and the RNG are left exactly as
    they were.

    Raises:
        EmptyLoaderError: the loader yields nothing.
        TaskContractError: the loss is not a scalar tensor that requires grad, or the
            batch format does not suit the loss, or the optimizer factory or its step fails.
    """
    from lrtune.state import preserved_state

    where = f"{task.source}: " if task.source else ""
    with preserved_state(task.model):
        try:
            batch = next(iter(task.train_loader))
        except StopIteration:
            raise EmptyLoaderError(
                f"{where}train_loader yielded no batch: check the dataset is not empty and that "
                "batch_size <= the number of samples when drop_last=True."
            ) from None
        if task.val_loader is not None and loader_length(task.val_loader) == 0:
            raise EmptyLoaderError(
                f"{where}val_loader yielded no batch: give it data or remove it."
            )
        if not any(p.requires_grad for p in task.model.parameters()):
            raise TaskContractError(
                f"{where}the model has no trainable parameters (model.parameters() is empty or "
                "none requires grad); give model the layers you train, with requires_grad=True."
            )
        try:
            opt = task.make_optimizer(list(task.model.parameters()), 1e-3)
        except Exception as exc:
            raise TaskContractError(
                f"{where}optimizer(params, lr) failed: {type(exc).__name__}: {exc}; it must "
                "accept (params, lr) and return a torch.optim.Optimizer."
            ) from exc
        if not isinstance(opt, torch.optim.Optimizer):
            raise TaskContractError(
                f"{where}optimizer(params, lr) must return a torch.optim.Optimizer, "
                f"got {type(opt).__name__}."
            )
        if "ScheduleFree" in type(opt).__name__:
            raise TaskContractError(
                f"{where}{type(opt).__name__} is schedule-free: it replaces the LR schedule "
                "lrtune would propose (give it a constant LR and its own warmup); use the "
                "optimizer it wraps (AdamW, SGD) to have lrtune pick the LR and schedule."
            )
        if _needs_closure(opt):
            raise TaskContractError(
                f"{where}{type(opt).__name__}.step() needs a closure that re-evaluates the "
                "loss, and lrtune steps the optimizer once per batch without one; use a "
                "first-order optimizer (SGD, Adam, ...)."
            )
        task.model.train()
        device = _module_device(task.model)
        try:
            loss = task.loss_fn(task.model, move_to_device(batch, device))
        except TaskContractError as exc:
            raise TaskContractError(f"{where}{exc}") from None
        except Exception as exc:
            raise TaskContractError(
                f"{where}the loss failed on a batch of {_describe(batch)}: "
                f"{type(exc).__name__}: {exc}; make loss_fn(model, batch) accept what "
                "train_loader yields."
            ) from exc
        if not isinstance(loss, torch.Tensor) or loss.numel() != 1:
            got = (
                f"a tensor of shape {tuple(loss.shape)}"
                if isinstance(loss, torch.Tensor)
                else type(loss).__name__
            )
            raise TaskContractError(
                f"{where}the loss must be a scalar tensor, got {got}; reduce it, e.g. with .mean()."
            )
        if not loss.requires_grad:
            raise TaskContractError(
                f"{where}the loss does not require grad: compute it from the model's output "
                "without .item(), .detach() or torch.no_grad()."
            )
        try:  # one step: an optimizer that cannot step fails here, not mid-sweep
            loss.backward()
            opt.step()
        except Exception as exc:
            raise TaskContractError(
                f"{where}one step of {type(opt).__name__} failed: {type(exc).__name__}: "
                f"{str(exc).rstrip('.')}; optimizer(params, lr) must return an optimizer that "
                "can step on the model's gradients."
            ) from exc


def _module_device(model: nn.Module) -> torch.device:
    for tensor in model.parameters():
        return tensor.device
    return torch.device("cpu")


def _import_file(path: Path) -> Any:
    name = f"lrtune_user_{abs(hash(str(path.resolve())))}"
    try:
        source = path.read_text()
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise ModelFileError(
            f"{path}:{exc.lineno}: syntax error: {exc.msg}; fix the file and run again."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{path}: cannot read the file: {exc}.") from exc
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    module.__file__ = str(path)
    sys.modules[name] = module
    parent = str(path.resolve().parent)
    added = parent not in sys.path
    if added:
        sys.path.insert(0, parent)  # let model.py import its neighbours
    argv, sys.argv = sys.argv, [str(path)]  # argparse at import sees no lrtune arguments
    try:
        exec(code, module.__dict__)
    except SystemExit as exc:
        sys.modules.pop(name, None)
        raise ModelFileError(_exit_message(exc, path)) from None
    except Exception as exc:
        sys.modules.pop(name, None)
        line = _user_line(exc, path)
        raise ModelFileError(
            f"{path}:{line}: {type(exc).__name__} while importing: {exc}; fix model.py "
            "(run `python model.py` to see the full traceback)."
        ) from exc
    finally:
        sys.argv = argv
        if added:
            sys.path.remove(parent)
    return module


def _exit_message(exc: SystemExit, path: Path) -> str:
    """One line for a model.py that exits while imported (a script, argparse, sys.exit)."""
    code = exc.code
    status = 0 if code is None else code if isinstance(code, int) else 1
    said = f" ({code})" if code is not None and not isinstance(code, int) else ""
    return (
        f"{path}:{_user_line(exc, path)}: the file exited with status {status}{said} while "
        "lrtune imported it; put its script part (argument parsing, training, sys.exit) under "
        '`if __name__ == "__main__":` so that importing it only defines the names.'
    )


def _user_line(exc: BaseException, path: Path) -> int | str:
    """The last line of ``path`` in the traceback of ``exc``."""
    line: int | str = "?"
    resolved = str(path.resolve())
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and str(Path(frame.filename).resolve()) == resolved:
            line = frame.lineno or "?"
    return line


def _resolve(name: str, value: Any, path: Path, seed: int | None = None) -> Any:
    """Call a zero-argument factory (after seeding every RNG with ``seed``, unless ``None``);
    leave objects and functions with arguments alone."""
    if isinstance(value, nn.Module) or not callable(value):
        return value
    if name in ("loss_fn", "criterion", "optimizer") and not inspect.isclass(value):
        if _required_args(value) > 0:
            return value  # the function itself, not a factory
    elif _required_args(value) > 0:
        return value  # make_task reports the wrong kind
    if seed is not None:
        seed_everything(seed)
    try:
        return value()
    except Exception as exc:
        raise ModelFileError(
            f"{path}: calling {name}() failed: {type(exc).__name__}: {exc}; a factory must "
            "build its object with no arguments."
        ) from exc


def _required_args(fn: Callable[..., Any]) -> int:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return 0
    return sum(
        p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        for p in signature.parameters.values()
    )


def _describe(batch: Any) -> str:
    if isinstance(batch, torch.Tensor):
        return f"Tensor{tuple(batch.shape)}"
    if isinstance(batch, dict):
        return "dict(" + ", ".join(f"{k}={_describe(v)}" for k, v in batch.items()) + ")"
    if isinstance(batch, (list, tuple)):
        return type(batch).__name__ + "(" + ", ".join(_describe(v) for v in batch) + ")"
    return type(batch).__name__
