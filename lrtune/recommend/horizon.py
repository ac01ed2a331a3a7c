"""The full-length check after a search: does the chosen schedule overtrain the data?

Compressed trials (:mod:`lrtune.recommend.refine`) rank schedules on short runs, so they
cannot see what only a long run shows: with many passes over a small dataset, the
validation loss bottoms out and climbs again while the training loss keeps falling. The
check trains the chosen schedule at its full planned length for part of the run and reads
both losses after every epoch. When the validation loss bottomed out in the first half of
the window and stayed clearly above that minimum since, while the training loss kept
falling, the peak LR is scaled by the fraction of the run's integrated LR (its
gradient-flow time, η·t) that had elapsed at the best epoch: the whole run at the new LR
covers the distance the checked run had covered when it generalised best.

Example:
    >>> detect_overfit([1.0, 0.6, 0.5, 0.6, 0.7, 0.8], [1.0, 0.6, 0.4, 0.3, 0.2, 0.1])
    2
    >>> detect_overfit([1.0, 0.8, 0.7, 0.65, 0.6, 0.58], [1.0, 0.8, 0.7, 0.6, 0.5, 0.4]) is None
    True
    >>> detect_overfit([1.0, 0.6, 0.5, 0.6, 0.7, 0.8], [1.0, 0.6, 0.5, 0.6, 0.7, 0.8]) is None
    True
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from lrtune.schedules import ScheduleSpec
from lrtune.task import Task
from lrtune.train import train

__all__ = ["MIN_EPOCHS", "HorizonCheck", "detect_overfit", "lr_time_fraction", "horizon_check"]

#: How far above its minimum the validation loss must stay (on average over the last third
#: of the window) to count as a rise rather than noise.
RISE = 0.05
#: The fewest epochs a window needs to show a minimum and a sustained rise after it.
MIN_EPOCHS = 6
#: The smallest factor a check applies to the peak LR.
MIN_FACTOR = 1 / 30
SOURCE = (
    "early stopping (Prechelt 1998, 'Early stopping - but when?'); gradient-flow time "
    "eta*t (Li, Tai & E arXiv 1511.06251)"
)


@dataclass(frozen=True)
class HorizonCheck:
    """What the check measured and decided.

    Attributes:
        steps: optimizer steps it trained.
        val_losses, train_losses: per epoch of the window.
        best_epoch: index of the lowest validation loss, when it marks overfitting.
        lr_factor: what the peak LR is multiplied by (1 when nothing was found).
    """

    steps: int
    val_losses: tuple[float, ...]
    train_losses: tuple[float, ...]
    best_epoch: int | None
    lr_factor: float

    @property
    def overfit(self) -> bool:
        return self.best_epoch is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: non-finite losses (a diverged epoch) become ``None``."""

        def finite(values: tuple[float, ...]) -> list[float | None]:
            return [v if math.isfinite(v) else None for v in values]

        return {
            "steps": self.steps,
            "val_losses": finite(self.val_losses),
            "train_losses": finite(self.train_losses),
            "best_epoch": self.best_epoch,
            "overfit": self.overfit,
            "lr_factor": self.lr_factor,
        }


def detect_overfit(
    val_losses: Sequence[float], train_losses: Sequence[float], *, rise: float = RISE
) -> int | None:
    """The best epoch when the losses show overfitting, else ``None``.

    Overfitting: the window has at least ``MIN_EPOCHS`` epochs, the lowest validation loss
    (as a centred 3-epoch mean) lies in its first half, the last third averages more than
    ``rise`` above it, and the training loss at the end is below its value at the best
    epoch (the model still fits the training data, so the rise is not an instability).
    """
    n = len(val_losses)
    if n < MIN_EPOCHS or len(train_losses) != n or not all(map(math.isfinite, val_losses)):
        return None
    # a centred 3-epoch mean: one lucky epoch at a high LR is not the best point
    smooth = [statistics.fmean(val_losses[max(0, i - 1) : i + 2]) for i in range(n)]
    best = min(range(n), key=lambda i: smooth[i])
    tail = val_losses[n - n // 3 :]
    if (best + 1) * 2 > n or statistics.fmean(tail) <= smooth[best] * (1 + rise):
        return None
    return best if train_losses[-1] < train_losses[best] else None


def lr_time_fraction(spec: ScheduleSpec, *, steps_per_epoch: int, until: int, total: int) -> float:
    """The share of the run's integrated LR spent in its first ``until`` optimizer steps.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> spec = make_schedule("linear", lr=0.1, total=10, basis="epoch")
        >>> round(lr_time_fraction(spec, steps_per_epoch=5, until=25, total=50), 3)
        0.727
    """

    lrs = spec.lrs_per_iteration(steps_per_epoch, total)
    whole = sum(lrs)
    return sum(lrs[:until]) / whole if whole > 0 else 1.0


def horizon_check(
    task: Task,
    spec: ScheduleSpec,
    *,
    steps_per_epoch: int,
    epochs: int,
    fraction: float,
    seed: int = 0,
    device: str | torch.device = "cpu",
) -> HorizonCheck:
    """Train ``spec`` at its full length for ``fraction`` of the run and look for overfitting.

    The task's ``val_loader`` scores every epoch (give one: held-out training batches
    cannot show overfitting). Returns the factor for the peak LR (1 when no overfitting).
    """
    total = steps_per_epoch * epochs
    steps = max(1, round(fraction * total))
    result = train(
        task,
        make_scheduler=spec.build,
        lr=spec.lr,
        steps_per=spec.basis,
        epochs=epochs,
        seed=seed,
        device=device,
        max_steps=steps,
    )
    records = [r for r in result.history if r.step > 0]
    vals = tuple(r.val_loss for r in records)
    trains = tuple(r.train_loss for r in records)
    best = detect_overfit(vals, trains)
    factor = 1.0
    if best is not None:
        until = records[best].step
        share = lr_time_fraction(spec, steps_per_epoch=steps_per_epoch, until=until, total=total)
        factor = min(1.0, max(MIN_FACTOR, share))
    return HorizonCheck(result.steps, vals, trains, best, factor)
