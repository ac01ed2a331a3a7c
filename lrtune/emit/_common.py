"""Pieces every emitter shares: the optimizer line, the scheduler block, call formatting."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec
from lrtune.schedules._base import check_positive_int, literal

if TYPE_CHECKING:
    import torch

__all__ = [
    "Code",
    "OptimizerLike",
    "TrainSettings",
    "call",
    "describe",
    "dict_lines",
    "optimizer_code",
    "optimizer_kwargs",
    "optimizer_source",
    "scheduler_code",
]

OptimizerLike: TypeAlias = "str | type | torch.optim.Optimizer"

#: Optimizers known by name: the class in ``torch.optim`` (a name needs no torch import).
_BY_NAME: dict[str, str] = {"adamw": "AdamW", "adam": "Adam", "sgd": "SGD"}
LINE = 100


@dataclass
class Code:
    """Source being assembled: import lines, module-level blocks, and body lines."""

    imports: set[str] = field(default_factory=set)
    blocks: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)

    def header(self) -> str:
        """Imports (stdlib, then third party; ruff/isort order) and the module-level blocks."""
        plain = sorted(i for i in self.imports if i.startswith("import "))
        froms = sorted(i for i in self.imports if i.startswith("from "))
        std = [i for i in plain if i == "import math"]
        third = [i for i in plain if i != "import math"] + froms
        parts = ["\n".join(std)] if std else []
        if third:
            parts.append("\n".join(third))
        text = "\n\n".join(parts) + "\n"
        for block in self.blocks:
            text += "\n\n" + block
        return text + ("\n\n" if self.blocks else "\n")


@dataclass(frozen=True)
class TrainSettings:
    """How the range test trained, for formats that also set up training (HF, timm).

    Attributes:
        batch_size: samples per micro-batch on each device (the loader's batch).
        accumulation: micro-batches per optimizer update.
        max_grad_norm: the gradient-norm clip of the range test; ``None``: no clipping.

    Example:
        >>> TrainSettings(batch_size=64, accumulation=2).accumulation
        2
    """

    batch_size: int | None = None
    accumulation: int = 1
    max_grad_norm: float | None = None

    def __post_init__(self) -> None:
        if self.batch_size is not None:
            check_positive_int("batch_size", self.batch_size)
        check_positive_int("accumulation", self.accumulation)
        if self.max_grad_norm is not None and not self.max_grad_norm > 0:
            raise ConfigError(f"max_grad_norm: expected > 0 or None, got {self.max_grad_norm!r}")

    @classmethod
    def from_stats(cls, stats: Any, *, max_grad_norm: float | None = None) -> TrainSettings:
        """From a :class:`~lrtune.analysis.dataset.DatasetStats` (or ``None``): the per-device
        micro-batch is ``batch_size / (accumulation × world_size)``.

        Example:
            >>> from lrtune.analysis.dataset import DatasetStats
            >>> stats = DatasetStats(batch_size=16, steps_per_epoch=4).with_accumulation(2)
            >>> TrainSettings.from_stats(stats)
            TrainSettings(batch_size=16, accumulation=2, max_grad_norm=None)
        """
        if stats is None:
            return cls(max_grad_norm=max_grad_norm)
        accumulation = int(getattr(stats, "accumulation", 1) or 1)
        per_update = accumulation * int(getattr(stats, "world_size", 1) or 1)
        batch = stats.batch_size // per_update if stats.batch_size else None
        return cls(batch_size=batch or None, accumulation=accumulation, max_grad_norm=max_grad_norm)


def call(target: str, func: str, args: list[str], *, indent: str = "") -> list[str]:
    """``target = func(args)`` on one line, or one argument per line when too long."""
    lhs = f"{indent}{target} = " if target else indent
    one = f"{lhs}{func}({', '.join(args)})"
    if len(one) <= LINE:
        return [one]
    return [f"{lhs}{func}(", *[f"{indent}    {a}," for a in args], f"{indent})"]


def dict_lines(target: str, values: dict[str, Any]) -> list[str]:
    """``target = {...}`` on one line, or one entry per line when too long."""
    one = f"{target} = {literal(values)}"
    if len(one) <= LINE:
        return [one]
    return [f"{target} = {{", *[f"    {literal(k)}: {literal(v)}," for k, v in values.items()], "}"]


def _by_name(name: str) -> str:
    try:
        return _BY_NAME[name.lower()]
    except KeyError:
        raise ConfigError(
            f"optimizer: expected one of {', '.join(_BY_NAME)}, an optimizer class or"
            f" instance, got {name!r}"
        ) from None


def _resolve_optimizer(optimizer: OptimizerLike) -> tuple[type, dict[str, Any]]:
    import torch

    if isinstance(optimizer, str):
        return getattr(torch.optim, _by_name(optimizer)), {}
    if isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
        return optimizer, {}
    if isinstance(optimizer, torch.optim.Optimizer):
        return type(optimizer), dict(optimizer.defaults)
    raise ConfigError(
        f"optimizer: expected a name, an optimizer class or instance, got {optimizer!r}"
    )


def _is_literal(value: Any) -> bool:
    if isinstance(value, (bool, int, float, str, type(None))):
        return True
    return isinstance(value, (tuple, list)) and all(_is_literal(v) for v in value)


def optimizer_kwargs(optimizer: OptimizerLike) -> tuple[type, dict[str, Any]]:
    """The optimizer class and its hyperparameters that differ from the class defaults.

    Example:
        >>> import torch
        >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        >>> optimizer_kwargs(opt)
        (<class 'torch.optim.sgd.SGD'>, {'momentum': 0.9})
    """
    cls, defaults = _resolve_optimizer(optimizer)
    signature = inspect.signature(cls).parameters
    changed = {}
    for key, value in defaults.items():
        if key in ("lr", "params") or key not in signature or not _is_literal(value):
            continue
        default = signature[key].default
        if default is inspect.Parameter.empty or value != default:
            changed[key] = value
    return cls, changed


def optimizer_source(optimizer: OptimizerLike) -> tuple[str, str, dict[str, Any]]:
    """``(module, class name, changed hyperparameters)`` for the code that builds ``optimizer``.

    ``module`` is ``torch.optim`` for torch's own optimizers. A name needs no torch import.

    Example:
        >>> optimizer_source("sgd")
        ('torch.optim', 'SGD', {})
    """
    if isinstance(optimizer, str):
        return "torch.optim", _by_name(optimizer), {}
    import torch

    cls, changed = optimizer_kwargs(optimizer)
    own = getattr(torch.optim, cls.__name__, None) is cls
    return ("torch.optim" if own else cls.__module__), cls.__name__, changed


def optimizer_code(
    optimizer: OptimizerLike, lr: float, code: Code, *, params: str, indent: str = ""
) -> None:
    """Add ``optimizer = Class(params, lr=..., <changed hyperparameters>)`` to ``code``."""
    module, name, changed = optimizer_source(optimizer)
    if module == "torch.optim":
        func = f"torch.optim.{name}"
        code.imports.add("import torch")
    else:
        func = name
        code.imports.add(f"from {module} import {name}")
    args = [params, f"lr={literal(float(lr))}"]
    args += [f"{k}={literal(v)}" for k, v in changed.items()]
    code.lines += call("optimizer", func, args, indent=indent)


def scheduler_code(spec: ScheduleSpec, code: Code, *, indent: str = "") -> None:
    """Add the torch scheduler(s) for ``spec`` as ``scheduler = ...`` to ``code``."""
    parts, milestones = spec.torch_parts()
    names = ["scheduler"] if len(parts) == 1 else ["warmup_scheduler", "main_scheduler"]
    classes = {p.cls for p in parts} | ({"SequentialLR"} if milestones else set())
    code.imports.add(f"from torch.optim.lr_scheduler import {', '.join(sorted(classes))}")
    for index, (name, part) in enumerate(zip(names, parts)):
        args = ["optimizer"]
        if part.lambda_src is not None:
            code.blocks.append(part.lambda_src)
            if "math." in part.lambda_src:
                code.imports.add("import math")
            args.append("lr_lambda=lr_factor")
        for key, value in part.kwargs.items():
            if index == 0 and spec.warmup and key == "start_factor":  # exact 1 / (W + 1)
                args.append(f"start_factor=1 / {spec.warmup + 1}")
            else:
                args.append(f"{key}={literal(value)}")
        code.lines += call(name, part.cls, args, indent=indent)
    if milestones:
        args = ["optimizer", f"schedulers=[{', '.join(names)}]", f"milestones={milestones}"]
        code.lines += call("scheduler", "SequentialLR", args, indent=indent)


def describe(spec: ScheduleSpec) -> str:
    """One comment line naming the schedule and its basis."""
    unit = "epochs" if spec.basis == "epoch" else "optimizer updates"
    warm = f", {spec.warmup} warmup" if spec.warmup else ""
    return f"# lrtune schedule: {spec.name} on the {spec.basis} basis (periods in {unit}{warm})"
