"""One-cycle (Smith's 1cycle), as a clamped ``LambdaLR`` that never raises past its end."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal

from lrtune.errors import ConfigError
from lrtune.schedules._base import ScheduleSpec, TorchPart, check_choice, check_number, literal

__all__ = ["OneCycleSchedule"]

_SRC = '''def lr_factor(step: int) -> float:
    """One-cycle multiplier of the peak LR (torch's OneCycleLR curve, held at its end)."""
    start = 0.0
    for end, first, last in {phases}:
        if step <= end:
            pct = (step - start) / (end - start)
            return {anneal}
        start = end
    return {final}
'''
_ANNEAL = {
    "cos": "last + (first - last) / 2.0 * (1.0 + math.cos(math.pi * pct))",
    "linear": "first + (last - first) * pct",
}


@dataclass(frozen=True, kw_only=True)
class OneCycleSchedule(ScheduleSpec):
    """One-cycle: rise from ``lr/div_factor`` to ``lr``, then anneal to ``lr/(div·final_div)``.

    The curve is exactly torch's ``OneCycleLR`` with ``total_steps = total − warmup`` and
    ``max_lr = lr``, but built as a ``LambdaLR`` so that stepping past the end holds the final
    LR instead of raising, and momentum is left alone (no ``cycle_momentum``).

    Example:
        >>> spec = OneCycleSchedule(lr=1.0, total=10, pct_start=0.3)
        >>> round(spec.lr_at(0), 12), spec.lr_at(2), spec.lr_at(9) == spec.lr_at(100)
        (0.04, 1.0, True)
    """

    name: ClassVar[str] = "onecycle"
    description: ClassVar[str] = "Smith's 1cycle: warm up to lr, anneal far below (clamped)."
    period_fields: ClassVar[tuple[str, ...]] = ("total",)

    total: int
    pct_start: float = 0.3
    div_factor: float = 25.0
    final_div_factor: float = 1e4
    anneal_strategy: Literal["cos", "linear"] = "cos"
    three_phase: bool = False

    def _validate(self) -> None:
        check_number("total", self.total, low=1, integer=True)
        check_number("pct_start", self.pct_start, low=0.0, high=1.0, low_open=True, high_open=True)
        check_number("div_factor", self.div_factor, low=1.0)
        check_number("final_div_factor", self.final_div_factor, low=1.0)
        check_choice("anneal_strategy", self.anneal_strategy, ("cos", "linear"))
        if not isinstance(self.three_phase, bool):
            raise ConfigError(f"three_phase: expected true or false, got {self.three_phase!r}")
        ends = [0.0] + [end for end, _, _ in self._phases()]
        if any(b <= a for a, b in zip(ends, ends[1:])):
            raise ConfigError(
                f"total: expected enough steps for every one-cycle phase (pct_start·(total−warmup)"
                f" > 1), got total={self.total}, warmup={self.warmup}, pct_start={self.pct_start}"
            )

    def _phases(self) -> list[tuple[float, float, float]]:
        n = self.total - self.warmup
        initial = 1.0 / self.div_factor
        final = initial / self.final_div_factor
        up = float(self.pct_start * n) - 1
        if self.three_phase:
            return [(up, initial, 1.0), (2 * up, 1.0, initial), (n - 1.0, initial, final)]
        return [(up, initial, 1.0), (n - 1.0, 1.0, final)]

    def multiplier(self, t: int) -> float:
        start = 0.0
        for end, first, last in self._phases():
            if t <= end:
                pct = (t - start) / (end - start)
                if self.anneal_strategy == "cos":
                    return last + (first - last) / 2.0 * (1.0 + math.cos(math.pi * pct))
                return first + (last - first) * pct
            start = end
        return self._phases()[-1][2]

    def torch_main(self) -> TorchPart:
        phases = self._phases()
        src = _SRC.format(
            phases=literal([tuple(p) for p in phases]),
            anneal=_ANNEAL[self.anneal_strategy],
            final=literal(phases[-1][2]),
        )
        return TorchPart("LambdaLR", lr_lambda=self.multiplier, lambda_src=src)
