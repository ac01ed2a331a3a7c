"""ReduceLROnPlateau: cut the LR when a validation metric stops improving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from lrtune.errors import ConfigError
from lrtune.schedules._base import ScheduleSpec, TorchPart, check_choice, check_number

__all__ = ["PlateauSchedule"]


@dataclass(frozen=True, kw_only=True)
class PlateauSchedule(ScheduleSpec):
    """Multiply the LR by ``factor`` after ``patience`` steps without improvement.

    The LR depends on the metric, so it has no closed form: :meth:`lr_at` returns ``lr`` (it
    assumes the metric keeps improving). Step it with the validation metric,
    ``scheduler.step(val_loss)``. ``warmup`` must be 0 (``SequentialLR`` cannot hold it).

    Example:
        >>> PlateauSchedule(lr=0.1, patience=2).lr_at(50)
        0.1
    """

    name: ClassVar[str] = "plateau"
    description: ClassVar[str] = "ReduceLROnPlateau: multiply by factor when the metric stalls."
    period_fields: ClassVar[tuple[str, ...]] = ("patience", "cooldown")

    mode: Literal["min", "max"] = "min"
    factor: float = 0.1
    patience: int = 10
    threshold: float = 1e-4
    threshold_mode: Literal["rel", "abs"] = "rel"
    cooldown: int = 0
    eta_min_ratio: float = 0.0

    def _validate(self) -> None:
        if self.warmup != 0:
            raise ConfigError(
                f"warmup: expected 0 for plateau (SequentialLR cannot wrap ReduceLROnPlateau),"
                f" got {self.warmup}"
            )
        check_choice("mode", self.mode, ("min", "max"))
        check_number("factor", self.factor, low=0.0, high=1.0, low_open=True, high_open=True)
        check_number("patience", self.patience, low=0, integer=True)
        check_number("threshold", self.threshold, low=0.0)
        check_choice("threshold_mode", self.threshold_mode, ("rel", "abs"))
        check_number("cooldown", self.cooldown, low=0, integer=True)
        check_number("eta_min_ratio", self.eta_min_ratio, low=0.0, high=1.0)

    @property
    def needs_metric(self) -> bool:
        return True

    def multiplier(self, t: int) -> float:
        return 1.0

    def torch_main(self) -> TorchPart:
        return TorchPart(
            "ReduceLROnPlateau",
            {
                "mode": self.mode,
                "factor": self.factor,
                "patience": self.patience,
                "threshold": self.threshold,
                "threshold_mode": self.threshold_mode,
                "cooldown": self.cooldown,
                "min_lr": self.lr * self.eta_min_ratio,
            },
        )
