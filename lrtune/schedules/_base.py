"""The base class of every schedule spec, and the small helpers the specs share."""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from lrtune.errors import ConfigError

if TYPE_CHECKING:  # torch is imported where a scheduler is built, so the catalogue loads fast
    import torch
    from torch.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

__all__ = ["Basis", "ScheduleSpec", "TorchPart", "literal"]

Basis = Literal["epoch", "iteration"]
_BASES = ("epoch", "iteration")


@dataclass(frozen=True)
class TorchPart:
    """One ``torch.optim.lr_scheduler`` object, as both a recipe and source text.

    Attributes:
        cls: Class name in ``torch.optim.lr_scheduler`` (``"CosineAnnealingLR"``).
        kwargs: Keyword arguments after ``optimizer`` (plain literals).
        lr_lambda: For ``LambdaLR``: the factor function used by :meth:`ScheduleSpec.build`.
        lambda_src: For ``LambdaLR``: the same function as source (a ``def`` block) for emitters.
    """

    cls: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    lr_lambda: Callable[[int], float] | None = None
    lambda_src: str | None = None

    def make(self, optimizer: torch.optim.Optimizer) -> LRScheduler:
        """Instantiate the scheduler on ``optimizer``."""
        import torch

        cls = getattr(torch.optim.lr_scheduler, self.cls)
        if self.lr_lambda is not None:
            return cls(optimizer, lr_lambda=self.lr_lambda, **self.kwargs)
        return cls(optimizer, **self.kwargs)


def literal(value: Any) -> str:
    """Python source for a plain value; floats keep 12 significant digits (``1e-04``-style).

    Example:
        >>> literal(0.01 * 0.01), literal(3), literal([1, 2])
        ('0.0001', '3', '[1, 2]')
    """
    if isinstance(value, float):
        text = f"{value:.12g}"
        return text if any(c in text for c in ".en") else text + ".0"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(literal(v) for v in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{literal(k)}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)


# ---------------------------------------------------------------- validation helpers


def check_number(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    integer: bool = False,
) -> None:
    """Raise :class:`ConfigError` unless ``value`` is a number in the given interval."""
    kind = "an integer" if integer else "a number"
    ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok_type or not math.isfinite(value):
        raise ConfigError(f"{name}: expected {kind}, got {value!r}")
    bad_low = low is not None and (value <= low if low_open else value < low)
    bad_high = high is not None and (value >= high if high_open else value > high)
    if bad_low or bad_high:
        lo = "" if low is None else f"{'>' if low_open else '>='} {low:g}"
        hi = "" if high is None else f"{'<' if high_open else '<='} {high:g}"
        bounds = " and ".join(b for b in (lo, hi) if b)
        raise ConfigError(f"{name}: expected {kind} {bounds}, got {value!r}")


def check_positive_int(name: str, value: Any) -> None:
    """Raise :class:`ConfigError` unless ``value`` is an int >= 1 (a bool is not)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{name}: expected a positive int, got {value!r}.")


def check_choice(name: str, value: Any, choices: tuple[str, ...]) -> None:
    """Raise :class:`ConfigError` unless ``value`` is one of ``choices``."""
    if value not in choices:
        raise ConfigError(f"{name}: expected one of {', '.join(choices)}, got {value!r}")


def scale_period(value: int, factor: float) -> int:
    """Convert a period between bases: ``value * factor`` rounded, at least 1 if ``value`` > 0."""
    if value == 0:
        return 0
    return max(1, round(value * factor))


# ---------------------------------------------------------------- the base spec


@dataclass(frozen=True, kw_only=True)
class ScheduleSpec:
    """A learning-rate schedule with every parameter filled in.

    ``step`` counts scheduler steps: epochs on the ``"epoch"`` basis, optimizer updates on
    the ``"iteration"`` basis; every period field is in those units. A linear warmup of
    ``warmup`` steps runs first, with factor ``(s + 1) / (warmup + 1)`` at step ``s`` (never 0,
    so the first batch trains), then the main schedule starts its own clock at 0.

    Attributes:
        lr: Initial (peak) learning rate, the one the optimizer is built with.
        basis: ``"epoch"`` (step the scheduler once per epoch) or ``"iteration"`` (after every
            ``optimizer.step()``).
        warmup: Linear-warmup length in basis units; 0 = none.

    Example:
        >>> from lrtune.schedules import CosineSchedule
        >>> spec = CosineSchedule(lr=0.1, total=10, warmup=1, eta_min_ratio=0.0)
        >>> round(spec.lr_at(0), 6), spec.lr_at(1), round(spec.lr_at(10), 9)
        (0.05, 0.1, 0.0)
    """

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    #: Fields holding a length in basis units (converted by :meth:`to_basis`).
    period_fields: ClassVar[tuple[str, ...]] = ()

    lr: float
    basis: Basis = "epoch"
    warmup: int = 0

    def __post_init__(self) -> None:
        check_number("lr", self.lr, low=0.0, low_open=True)
        check_choice("basis", self.basis, _BASES)
        check_number("warmup", self.warmup, low=0, integer=True)
        self._validate()

    def _validate(self) -> None:
        """Check the type's own fields (raise :class:`ConfigError`)."""

    # ------------------------------------------------------------ closed form

    def multiplier(self, t: int) -> float:
        """Multiplier of ``lr`` at step ``t`` of the main schedule (after warmup)."""
        raise NotImplementedError

    def lr_at(self, step: int) -> float:
        """The learning rate during scheduler step ``step`` (0 = the first batch or epoch).

        Example:
            >>> from lrtune.schedules import StepSchedule
            >>> StepSchedule(lr=1.0, step_size=2, gamma=0.5).lr_at(3)
            0.5
        """
        if step < 0:
            raise ConfigError(f"step: expected an integer >= 0, got {step!r}")
        if step < self.warmup:
            return self.lr * (step + 1) / (self.warmup + 1)
        return self.lr * self.multiplier(step - self.warmup)

    def lrs_per_iteration(self, steps_per_epoch: int, n_iterations: int) -> list[float]:
        """The learning rate of each optimizer update of a run, for plots and the recommender.

        Example:
            >>> from lrtune.schedules import StepSchedule
            >>> StepSchedule(lr=1.0, step_size=1, gamma=0.5).lrs_per_iteration(2, 4)
            [1.0, 1.0, 0.5, 0.5]
        """
        check_number("steps_per_epoch", steps_per_epoch, low=1, integer=True)
        check_number("n_iterations", n_iterations, low=0, integer=True)
        if self.basis == "iteration":
            return [self.lr_at(i) for i in range(n_iterations)]
        return [self.lr_at(i // steps_per_epoch) for i in range(n_iterations)]

    # ------------------------------------------------------------ torch

    @property
    def step_interval(self) -> str:
        """Where ``scheduler.step()`` goes: ``"iteration"`` or ``"epoch"``."""
        return self.basis

    @property
    def needs_metric(self) -> bool:
        """True when ``scheduler.step`` takes a validation metric (ReduceLROnPlateau)."""
        return False

    def torch_main(self) -> TorchPart:
        """The main schedule (no warmup) as a torch scheduler recipe."""
        raise NotImplementedError

    def torch_parts(self) -> tuple[list[TorchPart], list[int]]:
        """The torch schedulers and the ``SequentialLR`` milestones (empty for a single one)."""
        main = self.torch_main()
        if self.warmup == 0:
            return [main], []
        warm = TorchPart(
            "LinearLR",
            {
                "start_factor": 1.0 / (self.warmup + 1),
                "end_factor": 1.0,
                "total_iters": self.warmup,
            },
        )
        if main.cls == "ConstantLR":  # warmup then constant: LinearLR alone does it
            return [warm], []
        return [warm, main], [self.warmup]

    def build(self, optimizer: torch.optim.Optimizer) -> LRScheduler | ReduceLROnPlateau:
        """Build the real torch scheduler; sets every param group's ``lr`` to ``self.lr``.

        Step it once per basis unit, after ``optimizer.step()`` (with the metric for
        ReduceLROnPlateau). Warmup applies from the first batch.

        Example:
            >>> import torch
            >>> from lrtune.schedules import ExponentialSchedule
            >>> opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
            >>> sched = ExponentialSchedule(lr=0.1, gamma=0.5).build(opt)
            >>> opt.step(); sched.step(); opt.param_groups[0]["lr"]
            0.05
        """
        import torch

        for group in optimizer.param_groups:
            group["lr"] = self.lr
            group.pop("initial_lr", None)
        parts, milestones = self.torch_parts()
        schedulers = [part.make(optimizer) for part in parts]
        if len(schedulers) == 1:
            return schedulers[0]
        return torch.optim.lr_scheduler.SequentialLR(
            optimizer, schedulers=schedulers, milestones=milestones
        )

    # ------------------------------------------------------------ serialisation

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict with ``"name"`` and every field; :func:`spec_from_dict` inverts it."""
        out: dict[str, Any] = {"name": self.name}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def replace(self, **changes: Any) -> ScheduleSpec:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def to_basis(self, basis: Basis, steps_per_epoch: int) -> ScheduleSpec:
        """The same schedule on another basis; periods are scaled by ``steps_per_epoch``.

        Converting to ``"epoch"`` rounds periods to whole epochs (at least 1).

        Example:
            >>> from lrtune.schedules import CosineSchedule
            >>> CosineSchedule(lr=0.1, total=3, warmup=1).to_basis("iteration", 10).total
            30
        """
        check_choice("basis", basis, _BASES)
        check_number("steps_per_epoch", steps_per_epoch, low=1, integer=True)
        if basis == self.basis:
            return self
        scale = steps_per_epoch if basis == "iteration" else 1.0 / steps_per_epoch
        changes: dict[str, Any] = {"basis": basis, "warmup": scale_period(self.warmup, scale)}
        for name in self.period_fields:
            value = getattr(self, name)
            if isinstance(value, tuple):
                changes[name] = tuple(scale_period(v, scale) for v in value)
            else:
                changes[name] = scale_period(value, scale)
        changes.update(self._basis_changes(scale))
        return dataclasses.replace(self, **changes)

    def _basis_changes(self, scale: float) -> dict[str, Any]:
        """Extra field changes for a basis change (e.g. a per-step decay rate)."""
        return {}
