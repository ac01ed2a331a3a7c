"""Linear decay, polynomial decay and warmup–stable–decay (WSD)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal

from lrtune.errors import ConfigError
from lrtune.schedules._base import ScheduleSpec, TorchPart, check_choice, check_number, literal

__all__ = ["LinearSchedule", "PolynomialSchedule", "WSDSchedule"]


def _check_total(spec: ScheduleSpec, total: int) -> None:
    check_number("total", total, low=1, integer=True)
    if total <= spec.warmup:
        raise ConfigError(f"total: expected more than warmup ({spec.warmup}) steps, got {total}")


@dataclass(frozen=True, kw_only=True)
class LinearSchedule(ScheduleSpec):
    """Linear decay from ``lr`` to ``lr·eta_min_ratio`` at step ``total``, then held.

    ``lr_t = lr·(1 + (m − 1)·min(t, T)/T)`` with ``T = total − warmup``, ``m = eta_min_ratio``.

    Example:
        >>> LinearSchedule(lr=1.0, total=4).lr_at(2), LinearSchedule(lr=1.0, total=4).lr_at(9)
        (0.5, 0.0)
    """

    name: ClassVar[str] = "linear"
    description: ClassVar[str] = "Linear decay to lr*eta_min_ratio at step total (LinearLR)."
    period_fields: ClassVar[tuple[str, ...]] = ("total",)

    total: int
    eta_min_ratio: float = 0.0

    def _validate(self) -> None:
        _check_total(self, self.total)
        check_number("eta_min_ratio", self.eta_min_ratio, low=0.0, high=1.0)

    def multiplier(self, t: int) -> float:
        n = self.total - self.warmup
        return 1.0 + (self.eta_min_ratio - 1.0) * min(t, n) / n

    def torch_main(self) -> TorchPart:
        return TorchPart(
            "LinearLR",
            {
                "start_factor": 1.0,
                "end_factor": self.eta_min_ratio,
                "total_iters": self.total - self.warmup,
            },
        )


_POLY_SRC = '''def lr_factor(step: int) -> float:
    """Polynomial decay to a floor: multiplier of the peak LR at scheduler step `step`."""
    left = 1.0 - min(step, {n}) / {n}
    return {m} + (1.0 - {m}) * left**{power}
'''


@dataclass(frozen=True, kw_only=True)
class PolynomialSchedule(ScheduleSpec):
    """Polynomial decay: ``lr_t = η_min + (lr − η_min)(1 − min(t, T)/T)^power``.

    ``T = total − warmup``; torch's ``PolynomialLR`` when the floor is 0, ``LambdaLR`` otherwise.

    Example:
        >>> PolynomialSchedule(lr=1.0, total=4, power=2.0).lr_at(2)
        0.25
    """

    name: ClassVar[str] = "polynomial"
    description: ClassVar[str] = "Polynomial decay (1 - t/T)^power to lr*eta_min_ratio."
    period_fields: ClassVar[tuple[str, ...]] = ("total",)

    total: int
    power: float = 1.0
    eta_min_ratio: float = 0.0

    def _validate(self) -> None:
        _check_total(self, self.total)
        check_number("power", self.power, low=0.0, low_open=True)
        check_number("eta_min_ratio", self.eta_min_ratio, low=0.0, high=1.0)

    def multiplier(self, t: int) -> float:
        n = self.total - self.warmup
        m = self.eta_min_ratio
        return m + (1.0 - m) * (1.0 - min(t, n) / n) ** self.power

    def torch_main(self) -> TorchPart:
        n = self.total - self.warmup
        if self.eta_min_ratio == 0:
            return TorchPart("PolynomialLR", {"total_iters": n, "power": self.power})
        src = _POLY_SRC.format(
            n=n, m=literal(float(self.eta_min_ratio)), power=literal(float(self.power))
        )
        return TorchPart("LambdaLR", lr_lambda=self.multiplier, lambda_src=src)


_COOLDOWNS = {
    "linear": "1.0 - u",
    "cosine": "(1.0 + math.cos(math.pi * u)) / 2.0",
    "sqrt": "1.0 - math.sqrt(u)",
}
_WSD_SRC = '''def lr_factor(step: int) -> float:
    """Warmup-stable-decay: hold the peak LR, then a {cooldown} cooldown to the floor."""
    if step < {stable}:
        return 1.0
    u = min((step - {stable}) / {decay}, 1.0)
    return {m} + (1.0 - {m}) * ({curve})
'''


@dataclass(frozen=True, kw_only=True)
class WSDSchedule(ScheduleSpec):
    """Warmup–stable–decay: constant ``lr``, then a cooldown over the last ``decay_fraction``.

    The cooldown lasts ``D = max(1, round(decay_fraction·total))`` steps and ends at step
    ``total``; with ``u`` its progress in [0, 1] and ``m = eta_min_ratio``,
    ``lr_t = lr·(m + (1 − m)·g(u))`` with ``g = 1 − u`` (linear), ``(1 + cos πu)/2`` (cosine) or
    ``1 − √u`` (sqrt).

    Example:
        >>> spec = WSDSchedule(lr=1.0, total=10, decay_fraction=0.2, cooldown="linear")
        >>> spec.lr_at(7), spec.lr_at(9), spec.lr_at(10)
        (1.0, 0.5, 0.0)
    """

    name: ClassVar[str] = "wsd"
    description: ClassVar[str] = "WSD: constant LR, then a linear/cosine/sqrt cooldown."
    period_fields: ClassVar[tuple[str, ...]] = ("total",)

    total: int
    decay_fraction: float = 0.2
    cooldown: Literal["linear", "cosine", "sqrt"] = "sqrt"
    eta_min_ratio: float = 0.0

    def _validate(self) -> None:
        _check_total(self, self.total)
        check_number("decay_fraction", self.decay_fraction, low=0.0, high=1.0, low_open=True)
        check_choice("cooldown", self.cooldown, tuple(_COOLDOWNS))
        check_number("eta_min_ratio", self.eta_min_ratio, low=0.0, high=1.0)
        if self.decay_steps > self.total - self.warmup:
            raise ConfigError(
                f"decay_fraction: expected a cooldown of at most total − warmup ="
                f" {self.total - self.warmup} steps, got {self.decay_steps}"
            )

    @property
    def decay_steps(self) -> int:
        """Length of the cooldown in basis units."""
        return max(1, round(self.decay_fraction * self.total))

    def multiplier(self, t: int) -> float:
        stable = self.total - self.warmup - self.decay_steps
        if t < stable:
            return 1.0
        u = min((t - stable) / self.decay_steps, 1.0)
        if self.cooldown == "linear":
            g = 1.0 - u
        elif self.cooldown == "cosine":
            g = (1.0 + math.cos(math.pi * u)) / 2.0
        else:
            g = 1.0 - math.sqrt(u)
        return self.eta_min_ratio + (1.0 - self.eta_min_ratio) * g

    def torch_main(self) -> TorchPart:
        src = _WSD_SRC.format(
            cooldown=self.cooldown,
            stable=self.total - self.warmup - self.decay_steps,
            decay=self.decay_steps,
            m=literal(float(self.eta_min_ratio)),
            curve=_COOLDOWNS[self.cooldown],
        )
        return TorchPart("LambdaLR", lr_lambda=self.multiplier, lambda_src=src)
