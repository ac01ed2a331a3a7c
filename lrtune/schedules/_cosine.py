"""Cosine annealing, with a floor, and with warm restarts (SGDR)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from lrtune.errors import ConfigError
from lrtune.schedules._base import ScheduleSpec, TorchPart, check_number

__all__ = ["CosineRestartsSchedule", "CosineSchedule"]


def _cosine(ratio: float, progress: float) -> float:
    return ratio + (1.0 - ratio) * (1.0 + math.cos(math.pi * progress)) / 2.0


@dataclass(frozen=True, kw_only=True)
class CosineSchedule(ScheduleSpec):
    """Cosine annealing to ``lr·eta_min_ratio`` over ``total − warmup`` steps.

    ``lr_t = η_min + ½(lr − η_min)(1 + cos(π t / T))`` with ``T = total − warmup``; ``total`` is
    the whole run in basis units, so the floor is reached at step ``total``. As in torch's
    ``CosineAnnealingLR``, the curve is periodic past ``total`` (it climbs back up).

    Example:
        >>> spec = CosineSchedule(lr=0.01, total=30, warmup=5, eta_min_ratio=0.01)
        >>> round(spec.lr_at(30), 12)
        0.0001
    """

    name: ClassVar[str] = "cosine"
    description: ClassVar[str] = "Cosine annealing to lr*eta_min_ratio at step total."
    period_fields: ClassVar[tuple[str, ...]] = ("total",)

    total: int
    eta_min_ratio: float = 0.0

    def _validate(self) -> None:
        check_number("total", self.total, low=1, integer=True)
        check_number("eta_min_ratio", self.eta_min_ratio, low=0.0, high=1.0)
        if self.total <= self.warmup:
            raise ConfigError(
                f"total: expected more than warmup ({self.warmup}) steps, got {self.total}"
            )

    def multiplier(self, t: int) -> float:
        return _cosine(self.eta_min_ratio, t / (self.total - self.warmup))

    def torch_main(self) -> TorchPart:
        return TorchPart(
            "CosineAnnealingLR",
            {"T_max": self.total - self.warmup, "eta_min": self.lr * self.eta_min_ratio},
        )


@dataclass(frozen=True, kw_only=True)
class CosineRestartsSchedule(ScheduleSpec):
    """Cosine annealing with warm restarts (SGDR): cycles of ``T_0``, ``T_0·T_mult``, …

    Within a cycle of length ``T_i``, ``lr_t = η_min + ½(lr − η_min)(1 + cos(π T_cur / T_i))``.

    Example:
        >>> spec = CosineRestartsSchedule(lr=1.0, T_0=2, T_mult=2)
        >>> [spec.lr_at(s) for s in (0, 2, 6)]
        [1.0, 1.0, 1.0]
    """

    name: ClassVar[str] = "cosine_restarts"
    description: ClassVar[str] = "Cosine annealing with warm restarts every T_0, T_0*T_mult, ..."
    period_fields: ClassVar[tuple[str, ...]] = ("T_0",)

    T_0: int
    T_mult: int = 1
    eta_min_ratio: float = 0.0

    def _validate(self) -> None:
        check_number("T_0", self.T_0, low=1, integer=True)
        check_number("T_mult", self.T_mult, low=1, integer=True)
        check_number("eta_min_ratio", self.eta_min_ratio, low=0.0, high=1.0)

    def multiplier(self, t: int) -> float:
        t_cur, t_i = t, self.T_0
        while t_cur >= t_i:
            t_cur -= t_i
            t_i *= self.T_mult
        return _cosine(self.eta_min_ratio, t_cur / t_i)

    def torch_main(self) -> TorchPart:
        return TorchPart(
            "CosineAnnealingWarmRestarts",
            {"T_0": self.T_0, "T_mult": self.T_mult, "eta_min": self.lr * self.eta_min_ratio},
        )
