"""The frozen outcome of one range test, and its JSON form."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from lrtune.errors import ResultFileError

__all__ = ["RangeTestResult", "StopReason"]

StopReason = Literal["completed", "diverged", "stalled", "interrupted"]


@dataclass(frozen=True)
class RangeTestResult:
    """The measured curve: the LR and the raw (unsmoothed) training loss of each step.

    Attributes:
        lrs: the rate used by each completed optimizer step.
        losses: the mean training loss of that step (before the update); when the run
            stopped on a NaN/inf loss, that non-finite loss is the last one.
        stop_reason: ``completed`` (all ``num_iter`` steps), ``diverged`` (non-finite or
            far above the best loss), ``stalled`` (the loss climbed back towards its start
            and stayed there), or ``interrupted`` (Ctrl-C: the curve so far is kept).
        num_iter: the planned number of steps.
        seconds: wall time of the loop.
        device: where it ran.
        amp: the autocast dtype, or ``"off"``.
        accumulation_steps: micro-batches per optimizer step.
        seed: the data-order seed, if one was set.
        fresh_init: the model was built for this run (``find``'s repeats with a factory
            ``model``: the seed drew its initial weights too), not the given one.
        stage: ``"sweep"`` (the first, wide sweep) or ``"zoom"`` (the second, narrow one
            ``find`` runs over a flat-then-cliff curve; see :mod:`lrtune._measure`).
    """

    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    stop_reason: StopReason
    num_iter: int
    seconds: float
    device: str = "cpu"
    amp: str = "off"
    accumulation_steps: int = 1
    seed: int | None = None
    sweep: dict[str, Any] = field(default_factory=dict)
    fresh_init: bool = False
    stage: str = "sweep"

    @property
    def steps(self) -> int:
        """Optimizer steps completed."""
        return len(self.lrs)

    @property
    def steps_per_second(self) -> float:
        return self.steps / self.seconds if self.seconds > 0 else math.nan

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (see docs/result-json.md)."""
        data = asdict(self)
        data["lrs"] = list(self.lrs)
        data["losses"] = list(self.losses)
        data["steps"] = self.steps
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RangeTestResult:
        """Inverse of :meth:`to_dict`.

        Raises:
            ResultFileError: keys missing or of the wrong type.
        """
        try:
            lrs = tuple(float(x) for x in data["lrs"])
            losses = tuple(math.nan if x is None else float(x) for x in data["losses"])
            if len(lrs) != len(losses):
                raise ValueError(f"{len(lrs)} lrs but {len(losses)} losses")
            return cls(
                lrs=lrs,
                losses=losses,
                stop_reason=data["stop_reason"],
                num_iter=int(data["num_iter"]),
                seconds=float(data["seconds"]),
                device=str(data.get("device", "cpu")),
                amp=str(data.get("amp", "off")),
                accumulation_steps=int(data.get("accumulation_steps", 1)),
                seed=data.get("seed"),
                sweep=dict(data.get("sweep", {})),
                fresh_init=bool(data.get("fresh_init", False)),
                stage=str(data.get("stage", "sweep")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ResultFileError(
                f"not a valid range-test record ({type(exc).__name__}: {exc}); re-run "
                "`lrtune find` to produce a new result file."
            ) from exc
