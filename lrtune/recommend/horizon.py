"""The horizon check: does the proposed schedule overtrain the data over the full run?

The range test and compressed trials (:mod:`lrtune.recommend.refine`) look at short runs, so
they cannot see what only a long run shows: with many passes over a small dataset, the
validation loss bottoms out and climbs again while the training loss keeps falling. The
check trains the schedule at its full planned length for part of the run and evaluates about
``POINTS`` times. When the validation loss bottomed out in the first two-thirds of the
window and stayed clearly above that minimum since, while the training loss kept falling,
the peak LR is scaled by the fraction of the run's integrated LR (its gradient-flow time,
η·t) spent when the validation loss first reached its floor: the whole run at the new LR
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

import dataclasses
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from lrtune.recommend._recommendation import Reason, Recommendation
from lrtune.schedules import ScheduleSpec
from lrtune.task import Task
from lrtune.train import train_schedule

__all__ = [
    "MIN_EPOCHS",
    "POINTS",
    "HorizonCheck",
    "can_check",
    "check_recommendation",
    "detect_overfit",
    "horizon_check",
    "lr_time_fraction",
]

#: How far above its minimum the validation loss must stay (on average over the last third
#: of the window) to count as a rise rather than noise.
RISE = 0.05
#: Within this fraction of the minimum, the validation loss has reached its floor.
REACHED = 0.02
#: The fewest epochs a window needs to show a minimum and a sustained rise after it.
MIN_EPOCHS = 6
#: How many evaluations the check makes, evenly spaced over its window.
POINTS = 40
#: The fewest evaluations that can show a minimum and a sustained rise after it.
MIN_POINTS = 6
#: The best point lies in this leading share of the window (the last third shows the rise).
#: A half missed cancer_mlp_adamw's find seed 2: at its 2x lower peak the floor came at
#: evaluation 21 of 43, the last third 6% above it, and its peak stayed 4x too high.
BEST_WITHIN = 2 / 3
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
        at_steps: the optimizer step of each evaluation (``POINTS`` or so, evenly spaced).
        val_losses, train_losses: at each evaluation (train: mean since the previous one).
        best: index of the lowest validation loss, when it marks overfitting.
        lr_factor: what the peak LR is multiplied by (1 when nothing was found).
    """

    steps: int
    at_steps: tuple[int, ...]
    val_losses: tuple[float, ...]
    train_losses: tuple[float, ...]
    best: int | None
    lr_factor: float

    @property
    def overfit(self) -> bool:
        return self.best is not None

    @property
    def best_step(self) -> int | None:
        """The optimizer step at which the validation loss was lowest (when overfitting)."""
        return None if self.best is None else self.at_steps[self.best]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: non-finite losses (a diverged stretch) become ``None``."""

        def finite(values: tuple[float, ...]) -> list[float | None]:
            return [v if math.isfinite(v) else None for v in values]

        return {
            "steps": self.steps,
            "at_steps": list(self.at_steps),
            "val_losses": finite(self.val_losses),
            "train_losses": finite(self.train_losses),
            "best_step": self.best_step,
            "overfit": self.overfit,
            "lr_factor": self.lr_factor,
        }


def detect_overfit(
    val_losses: Sequence[float], train_losses: Sequence[float], *, rise: float = RISE
) -> int | None:
    """The index of the best evaluation when the losses show overfitting, else ``None``.

    Overfitting: at least ``MIN_POINTS`` evaluations, the lowest validation loss (as a
    centred 3-point mean) lies in the first ``BEST_WITHIN`` of them, the last third averages
    more than ``rise`` above it, and the training loss over the last third averages below
    its centred mean at the best point (the model still fits the training data, so the rise
    is not an instability).
    """
    n = len(val_losses)
    if n < MIN_POINTS or len(train_losses) != n or not all(map(math.isfinite, val_losses)):
        return None

    def centred(values: Sequence[float], i: int) -> float:
        return statistics.fmean(values[max(0, i - 1) : i + 2])

    # a centred mean: one lucky evaluation at a high LR is not the best point
    smooth = [centred(val_losses, i) for i in range(n)]
    best = min(range(n), key=lambda i: smooth[i])
    tail = slice(n - n // 3, n)
    if best + 1 > n * BEST_WITHIN:
        return None  # too late in the window for a rise after it to show
    if statistics.fmean(val_losses[tail]) <= smooth[best] * (1 + rise):
        return None
    if statistics.fmean(train_losses[tail]) >= centred(train_losses, best):
        return None  # the training loss rose too: an instability, not overfitting
    # at a high LR the validation loss reaches its floor early and then wanders around it:
    # the best point is where the floor is first reached, not the luckiest dip after it
    return next(i for i in range(n) if val_losses[i] <= smooth[best] * (1 + REACHED))


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
    progress: Callable[[int, int], None] | None = None,
) -> HorizonCheck:
    """Train ``spec`` at its full length for ``fraction`` of the run and look for overfitting.

    The task's ``val_loader`` scores the model about ``POINTS`` times, evenly spaced in
    optimizer steps (give one: held-out training batches cannot show overfitting). Finer
    than per epoch: at a high LR, the best point can come within the first epoch. Returns
    the factor for the peak LR (1 when no overfitting). ``progress(done, total)`` is
    called after every epoch of the window.
    """
    total = steps_per_epoch * epochs
    steps = check_steps(fraction, total)
    window = math.ceil(steps / steps_per_epoch)
    result = train_schedule(
        task,
        spec,
        epochs=epochs,
        seed=seed,
        device=device,
        max_steps=steps,
        eval_every=max(1, steps // POINTS),
        report=(lambda epoch, _val: progress(epoch + 1, window)) if progress else None,
    )
    points = result.trace
    vals = tuple(r.val_loss for r in points)
    trains = tuple(r.train_loss for r in points)
    best = detect_overfit(vals, trains)
    factor = 1.0
    if best is not None:
        until = points[best].step
        share = lr_time_fraction(spec, steps_per_epoch=steps_per_epoch, until=until, total=total)
        factor = min(1.0, max(MIN_FACTOR, share))
    return HorizonCheck(result.steps, tuple(r.step for r in points), vals, trains, best, factor)


def check_steps(fraction: float, total: int) -> int:
    """The optimizer steps a check of ``fraction`` of a ``total``-step run trains.

    Example:
        >>> check_steps(0.4, 1280)
        512
    """
    return max(1, round(fraction * total))


def can_check(task: Task, *, fraction: float, epochs: int | None) -> bool:
    """Whether a check of ``fraction`` of an ``epochs``-long run can conclude.

    It needs a ``val_loader`` and a window of at least ``MIN_EPOCHS`` epochs.

    Example:
        >>> from lrtune.task import Task
        >>> task = Task(model=None, train_loader=[], val_loader=[], loss_fn=None)
        >>> can_check(task, fraction=0.4, epochs=40), can_check(task, fraction=0.4, epochs=10)
        (True, False)
    """
    return task.val_loader is not None and epochs is not None and fraction * epochs >= MIN_EPOCHS


def check_recommendation(
    task: Task,
    rec: Recommendation,
    *,
    fraction: float,
    seed: int = 0,
    device: str | torch.device = "cpu",
    progress: Callable[[int, int], None] | None = None,
) -> Recommendation:
    """Run :func:`horizon_check` on ``rec``'s schedule; lower its peak LR if it overtrains.

    Returns ``rec`` with the (possibly lowered) schedule, a ``horizon-check`` reason and the
    check's record in ``rec.check``. ``rec`` must carry its run length.
    """
    if rec.steps_per_epoch is None or rec.epochs is None:
        raise ValueError("check_recommendation: the recommendation has no run length.")
    result = horizon_check(
        task,
        rec.schedule,
        steps_per_epoch=rec.steps_per_epoch,
        epochs=rec.epochs,
        fraction=fraction,
        seed=seed,
        device=device,
        progress=progress,
    )
    schedule = rec.schedule
    epochs = result.steps / rec.steps_per_epoch
    window = f"{result.steps} steps ({epochs:.3g} epochs) of the full-length run"
    if result.best is None:
        text = (
            f"Horizon check: {window} showed no overfitting (the validation loss did not "
            "bottom out and climb while the training loss fell); the LR is kept."
        )
    else:
        schedule = schedule.replace(lr=schedule.lr * result.lr_factor)
        vals = result.val_losses
        text = (
            f"Horizon check: in {window} the validation loss reached its floor at step "
            f"{result.best_step} ({vals[result.best]:.4g}) and climbed to {vals[-1]:.4g} while "
            f"the training loss fell (overfitting); peak LR × {result.lr_factor:.3g} = "
            f"{schedule.lr:.3g}, the share of the run's integrated LR spent by then, so the "
            "whole run covers that distance."
        )
    reason = Reason("horizon-check", text, SOURCE)
    return dataclasses.replace(
        rec, schedule=schedule, reasons=(*rec.reasons, reason), check=result.to_dict()
    )
