"""Load a user's ``model.py`` and check its contract, giving a :class:`~lrtune.task.Task`.

The contract (see docs/model-py.md): module-level names, each an object or a
zero-argument factory:

- ``model``: an ``nn.Module``
- ``train_loader``: an iterable of batches (a ``DataLoader`` also tells the dataset size)
- ``loss_fn(model, batch) -> Tensor``, or ``criterion(output, target)`` for
  ``(inputs, targets)`` batches
- optional ``optimizer(params, lr) -> Optimizer`` (default: ``torch.optim.AdamW(params, lr=lr)``),
  ``val_loader``, ``epochs`` or ``max_steps`` (planned training length), ``steps_per_epoch``

Every problem is a one-line :class:`~lrtune.errors.LRTuneError` that names the fix.

Example:
    >>> from lrtune.model_file import load_task
    >>> task = load_task("examples/digits_cnn/model.py")  # doctest: +SKIP
    >>> task.steps_per_epoch  # doctest: +SKIP
    23
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from lrtune.errors import EmptyLoaderError, ModelFileError, TaskContractError
from lrtune.state import preserved_state, seed_everything, seeded
from lrtune.task import Task, describe, loader_length, make_task, move_to_device

__all__ = ["check_task", "load_task"]

#: The names model.py must define, and every name lrtune reads from it.
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
                f"{where}the loss failed on a batch of {describe(batch)}: "
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
