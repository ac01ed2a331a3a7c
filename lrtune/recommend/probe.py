"""The stability probe: train the proposal's first stretch, and lower a peak that blows up.

The range test reads the divergence LR from ~100 steps of a barely trained model, and its
reading varies with the data order: over 8 independent find seeds on the zoo's digits CNN,
the rules' SGD peak ranged from 0.022 to 0.355, and at 0.355 training diverges. The probe
trains the proposed schedule, at its full planned length, for its first ``PROBE_FRACTION`` of
the run (past the warmup, so the peak itself is tried) and scores the validation loss about
``POINTS`` times. The peak fails when the run diverges, or *relapses*: the validation loss had
fallen below ``FELL`` × its untrained value and ends back above ``RELAPSED`` × that value (a
classifier that forgot what it learnt at a rate it cannot sustain). A failed peak is halved
and probed again, at most ``HALVINGS`` times. A loss that has not moved yet is not a failure:
a short window cannot tell a stall from a slow start, and a peak too low is not lowered.

Example:
    >>> relapsed(initial=2.3, val_losses=[1.0, 0.6, 2.5])
    True
    >>> relapsed(initial=2.3, val_losses=[2.3, 2.29, 2.28])  # never fell: not a relapse
    False
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import torch

from lrtune.recommend._recommendation import Reason, Recommendation
from lrtune.state import seeded
from lrtune.task import Task
from lrtune.train import evaluate, train_schedule

__all__ = ["FELL", "HALVINGS", "POINTS", "PROBE_FRACTION", "probe_recommendation", "relapsed"]

#: The share of the planned run the probe trains (its warmup, at least, plus ``MIN_AFTER``).
PROBE_FRACTION = 0.2
#: Updates the probe trains at least after the warmup ends.
MIN_AFTER = 20
#: How many times a failing peak is halved.
HALVINGS = 3
#: Evaluations over the probe's window.
POINTS = 8
#: The validation loss had learnt something once below this share of its untrained value...
FELL = 0.8
#: ...and has relapsed when it ends above this share of it.
RELAPSED = 0.9
SOURCE = (
    "Smith arXiv 1506.01186 (a rate that trains in the test can still blow up later in the "
    "run); Cohen et al. arXiv 2103.00065 (sharpness rises as training proceeds)"
)


def relapsed(*, initial: float, val_losses: Sequence[float]) -> bool:
    """Whether the validation loss fell below ``FELL`` × ``initial`` and ended back above
    ``RELAPSED`` × ``initial`` (or turned non-finite)."""
    if not val_losses or not math.isfinite(val_losses[-1]):
        return True
    return min(val_losses) < FELL * initial and val_losses[-1] > RELAPSED * initial


def probe_recommendation(
    task: Task,
    rec: Recommendation,
    *,
    seed: int = 0,
    device: str | torch.device = "cpu",
    progress: Callable[[int, int], None] | None = None,
) -> Recommendation:
    """Probe ``rec``'s peak; halve it while it blows up. ``rec`` must carry its run length.

    Returns ``rec`` with the (possibly lowered) schedule, a ``stability-probe`` reason and
    the probe's record in ``rec.probe`` (``steps`` trained in all, the ``peaks`` tried and
    whether each ``failed``). ``progress(done, total)`` is called after every epoch of each
    probe's window.
    """
    if rec.steps_per_epoch is None or rec.epochs is None:
        raise ValueError("probe_recommendation: the recommendation has no run length.")
    total = rec.steps_per_epoch * rec.epochs
    warmup = rec.schedule.to_basis("iteration", rec.steps_per_epoch).warmup
    steps = min(total, max(round(PROBE_FRACTION * total), warmup + MIN_AFTER))
    initial = _untrained_loss(task, seed, device)
    schedule, record = rec.schedule, {"steps": 0, "window": steps, "peaks": [], "failed": []}
    epochs = math.ceil(steps / rec.steps_per_epoch)
    report = (lambda epoch, _val: progress(epoch + 1, epochs)) if progress else None
    for attempt in range(HALVINGS + 1):
        result = train_schedule(
            task,
            schedule,
            epochs=rec.epochs,
            seed=seed,
            device=device,
            max_steps=steps,
            eval_every=max(1, steps // POINTS),
            report=report,
        )
        vals = [r.val_loss for r in result.trace] or [result.val_loss]
        failed = result.diverged or relapsed(initial=initial, val_losses=vals)
        record["steps"] += result.steps
        record["peaks"].append(schedule.lr)
        record["failed"].append(failed)
        if not failed or attempt == HALVINGS:
            break
        schedule = schedule.replace(lr=schedule.lr / 2)
    return replace(rec, schedule=schedule, reasons=(*rec.reasons, _reason(record)), probe=record)


def _untrained_loss(task: Task, seed: int, device: str | torch.device) -> float:
    with seeded(seed):
        model = task.model_factory() if task.model_factory else copy.deepcopy(task.model)
    return evaluate(task, model.to(device), device=device)


def _reason(record: dict[str, Any]) -> Reason:
    window = record["window"]
    peaks, failed = record["peaks"], record["failed"]
    if not any(failed):
        text = (
            f"the first {window} updates of the planned run at peak "
            f"{peaks[0]:.3g} trained without blowing up; the peak is kept."
        )
    else:
        tried = ", ".join(f"{p:.3g}" for p, bad in zip(peaks, failed) if bad)
        end = (
            f"{peaks[-1]:.3g} trained without blowing up"
            if not failed[-1]
            else f"{peaks[-1]:.3g} blew up too (kept: check the data and the optimizer)"
        )
        text = (
            f"the first {window} updates of the planned run diverged or "
            f"forgot what they had learnt at peak {tried} (the range test reads its divergence "
            f"LR from a barely trained model, and the reading varies with the data order), so "
            f"the peak was halved; {end}."
        )
    return Reason("stability-probe", text, SOURCE)
