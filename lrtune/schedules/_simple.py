"""Constant, step, multi-step and exponential schedules (torch natives)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from lrtune.errors import ConfigError
from lrtune.schedules._base import ScheduleSpec, TorchPart, check_number

__all__ = ["ConstantSchedule", "ExponentialSchedule", "MultiStepSchedule", "StepSchedule"]


@dataclass(frozen=True, kw_only=True)
class ConstantSchedule(ScheduleSpec):
    """The same LR throughout (after the optional warmup): ``lr_t = lr``.

    Example:
        >>> ConstantSchedule(lr=0.01, warmup=1).lr_at(0), ConstantSchedule(lr=0.01).lr_at(99)
        (0.005, 0.01)
    """

    name: ClassVar[str] = "constant"
    description: ClassVar[str] = "Constant LR (optionally after a linear warmup)."

    def multiplier(self, t: int) -> float:
        return 1.0

    def torch_main(self) -> TorchPart:
        return TorchPart("ConstantLR", {"factor": 1.0, "total_iters": 0})


@dataclass(frozen=True, kw_only=True)
class StepSchedule(ScheduleSpec):
    """Multiply the LR by ``gamma`` every ``step_size`` steps: ``lr·gamma^floor(t/step_size)``.

    Example:
        >>> StepSchedule(lr=1.0, step_size=2, gamma=0.1).lr_at(2)
        0.1
    """

    name: ClassVar[str] = "step"
    description: ClassVar[str] = "Multiply the LR by gamma every step_size steps (StepLR)."
    period_fields: ClassVar[tuple[str, ...]] = ("step_size",)

    step_size: int
    gamma: float = 0.1

    def _validate(self) -> None:
        check_number("step_size", self.step_size, low=1, integer=True)
        check_number("gamma", self.gamma, low=0.0, high=1.0, low_open=True)

    def multiplier(self, t: int) -> float:
        return self.gamma ** (t // self.step_size)

    def torch_main(self) -> TorchPart:
        return TorchPart("StepLR", {"step_size": self.step_size, "gamma": self.gamma})


@dataclass(frozen=True, kw_only=True)
class MultiStepSchedule(ScheduleSpec):
    """Multiply the LR by ``gamma`` at each milestone: ``lr·gamma^#{m <= t}``.

    Milestones count main-schedule steps (after warmup).

    Example:
        >>> MultiStepSchedule(lr=1.0, milestones=(2, 4), gamma=0.5).lr_at(4)
        0.25
    """

    name: ClassVar[str] = "multistep"
    description: ClassVar[str] = "Multiply the LR by gamma at each milestone (MultiStepLR)."
    period_fields: ClassVar[tuple[str, ...]] = ("milestones",)

    milestones: tuple[int, ...]
    gamma: float = 0.1

    def __post_init__(self) -> None:
        if isinstance(self.milestones, list):  # from JSON
            object.__setattr__(self, "milestones", tuple(self.milestones))
        super().__post_init__()

    def _validate(self) -> None:
        if not isinstance(self.milestones, tuple) or not self.milestones:
            raise ConfigError(
                f"milestones: expected a non-empty list of integers, got {self.milestones!r}"
            )
        for m in self.milestones:
            check_number("milestones", m, low=1, integer=True)
        if list(self.milestones) != sorted(set(self.milestones)):
            raise ConfigError(
                f"milestones: expected strictly increasing values, got {list(self.milestones)}"
            )
        check_number("gamma", self.gamma, low=0.0, high=1.0, low_open=True)

    def multiplier(self, t: int) -> float:
        return self.gamma ** sum(1 for m in self.milestones if m <= t)

    def torch_main(self) -> TorchPart:
        return TorchPart("MultiStepLR", {"milestones": list(self.milestones), "gamma": self.gamma})


@dataclass(frozen=True, kw_only=True)
class ExponentialSchedule(ScheduleSpec):
    """Multiply the LR by ``gamma`` every step: ``lr·gamma^t``.

    Converting the basis keeps the decay per epoch (``gamma`` becomes ``gamma^(1/S)``).

    Example:
        >>> ExponentialSchedule(lr=1.0, gamma=0.5).lr_at(2)
        0.25
    """

    name: ClassVar[str] = "exponential"
    description: ClassVar[str] = "Multiply the LR by gamma every step (ExponentialLR)."

    gamma: float = 0.95

    def _validate(self) -> None:
        check_number("gamma", self.gamma, low=0.0, high=1.0, low_open=True)

    def multiplier(self, t: int) -> float:
        return self.gamma**t

    def torch_main(self) -> TorchPart:
        return TorchPart("ExponentialLR", {"gamma": self.gamma})

    def _basis_changes(self, scale: float) -> dict[str, Any]:
        return {"gamma": self.gamma ** (1.0 / scale)}
