"""The LR sweep: the learning rate at each step of a range test.

Example:
    >>> sweep = Sweep(start_lr=1e-4, end_lr=1.0, num_iter=5, mode="exp")
    >>> [f"{lr:.0e}" for lr in sweep.lrs()]
    ['1e-04', '1e-03', '1e-02', '1e-01', '1e+00']
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from lrtune.errors import ConfigError

__all__ = ["Sweep", "SweepMode"]

SweepMode = Literal["exp", "linear"]


@dataclass(frozen=True)
class Sweep:
    """LR(t) from ``start_lr`` at t = 0 to ``end_lr`` at t = ``num_iter`` − 1.

    ``exp`` spaces the rates evenly on a log scale (the default: the interesting
    region spans decades); ``linear`` spaces them evenly.
    """

    start_lr: float = 1e-7
    end_lr: float = 10.0
    num_iter: int = 100
    mode: SweepMode = "exp"

    def __post_init__(self) -> None:
        if not (isinstance(self.start_lr, (int, float)) and self.start_lr > 0):
            raise ConfigError(f"start_lr: expected a positive number, got {self.start_lr!r}.")
        if not (isinstance(self.end_lr, (int, float)) and self.end_lr > self.start_lr):
            raise ConfigError(
                f"end_lr: expected a number > start_lr={self.start_lr:g}, got {self.end_lr!r}."
            )
        if isinstance(self.num_iter, bool) or not isinstance(self.num_iter, int):
            raise ConfigError(f"num_iter: expected an int >= 5, got {self.num_iter!r}.")
        if self.num_iter < 5:
            raise ConfigError(f"num_iter: expected an int >= 5, got {self.num_iter}.")
        if self.mode not in ("exp", "linear"):
            raise ConfigError(f"mode: expected 'exp' or 'linear', got {self.mode!r}.")

    def lr_at(self, step: int) -> float:
        """The rate used by optimizer step ``step`` (0-based)."""
        frac = step / (self.num_iter - 1)
        if self.mode == "exp":
            return self.start_lr * math.exp(frac * math.log(self.end_lr / self.start_lr))
        return self.start_lr + frac * (self.end_lr - self.start_lr)

    def lrs(self) -> list[float]:
        """Every rate of the sweep, in order."""
        return [self.lr_at(step) for step in range(self.num_iter)]
