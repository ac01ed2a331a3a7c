"""The stability probe: train the proposal's first stretch, and lower a peak that blows up.

The range test reads the divergence LR from ~100 steps of a barely trained model, and its
reading varies with the data order: over 8 independent find seeds on the zoo's digits CNN, the
rules' SGD peak ranged from 0.022 to 0.355, and at 0.355 training diverges. The probe trains
the proposed schedule, at its full planned length, for its first ``PROBE_FRACTION`` of the run
(past the warmup, so the peak itself is tried) and scores the validation loss about ``POINTS``
times. The peak fails when the run diverges, or *relapses*: once the validation loss has fallen
below ``FELL`` × its untrained value, any later evaluation in the window back above
``RELAPSED`` × that value (a classifier that forgot what it learnt at a rate it cannot
sustain). A spike that comes back before the window ends counts too: a peak that once threw
away what it had learnt is not one a full run can hold (candidate (34), docs/suggestion.md). A
failed peak is halved and probed again, at most ``HALVINGS`` times. A validation loss that
never fell below ``FELL`` × its untrained value has not learnt, which is ambiguous: a short
window cannot tell a stall from a slow start. So lower peaks are probed as controls in the same
window, at most ``CONTROLS`` halvings. If one of them learns and holds, the proposed peak was a
stall (too high to train), and the control is proposed: a short window favours the higher of
two peaks, so a long run would favour the lower one all the more. If none learns either, the
peak is raised: it climbs by ``RAISE``× rungs up to the rules' ``limit`` (for the floor rule
of Adam, Adagrad and RMSprop, half the higher of the divergence LR and the LR where the range
test's runs blew up; for SGD, half that blow-up LR, and none where no run blew up), and the
first rung that learns and holds is proposed (digits_vit_adamw's floor, 7-20x below the grid's
best peak, learnt nothing in the window: candidates (51)-(53), (57b), docs/tuning.md). The
climb ends at a rung that diverges or relapses, and at one whose lowest validation loss is no
lower than the peak's and every earlier rung's (a higher peak did not help: candidate (55)).
Without a limit, or where nothing learns, the peak is kept.

A recommendation with a ``ceiling`` (SGD's peak set below where the range test's loss rose
back, under the higher peak its divergence LR alone allows) is probed from the ceiling first:
it is halved while it blows up, and the peak proposed is the lower of the first halving that
held and the rules' own peak (probed in turn when it is the lower). One probe run holding at a
peak says little when a higher or even a lower LR blew up in another: on bytecnn_textwrap_sgd
the probe held at the rules' 1.58 while 1.375, halved from the ceiling 2.75, had blown up, and
every training run at 1.58 diverged (candidate (33), docs/suggestion.md).

Example:
    >>> relapsed(initial=2.3, val_losses=[1.0, 0.6, 2.5])
    True
    >>> relapsed(initial=2.3, val_losses=[1.0, 30.0, 0.9])  # a spike that came back
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

from lrtune.recommend._probe_reason import UNSTABLE, probe_reason
from lrtune.recommend._recommendation import Recommendation
from lrtune.schedules import ScheduleSpec
from lrtune.task import Task
from lrtune.train import evaluate, train_schedule

__all__ = [
    "CONTROLS",
    "FELL",
    "HALVINGS",
    "POINTS",
    "PROBE_FRACTION",
    "RAISE",
    "probe_recommendation",
    "relapsed",
    "untrained_loss",
]

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
#: ...and has relapsed when, later in the window, it is back above this share of it.
RELAPSED = 0.9
#: How many halvings of a peak that has not learnt are probed as controls.
CONTROLS = 2
#: Where the peak and its controls all learnt nothing, the probe climbs from the peak by this
#: factor up to the rules' ``limit``: the ``--tune`` peak race's rungs.
RAISE = 4.0


def relapsed(*, initial: float, val_losses: Sequence[float]) -> bool:
    """Whether the validation loss, after it fell below ``FELL`` × ``initial``, was ever back
    above ``RELAPSED`` × ``initial`` (or turned non-finite at any point)."""
    if not val_losses or not all(math.isfinite(v) for v in val_losses):
        return True
    fell = next((i for i, v in enumerate(val_losses) if v < FELL * initial), None)
    return fell is not None and max(val_losses[fell:]) > RELAPSED * initial


def probe_recommendation(
    task: Task,
    rec: Recommendation,
    *,
    seed: int = 0,
    device: str | torch.device = "cpu",
    progress: Callable[[int, int], None] | None = None,
) -> Recommendation:
    """Probe ``rec``'s peak; halve it while it blows up, and lower it when it stalls where a
    lower peak learns. ``rec`` must carry its run length.

    Returns ``rec`` with the (possibly lowered) schedule, a ``stability-probe`` reason and
    the probe's record in ``rec.probe``: ``steps`` trained in all, the ``peaks`` tried in
    order with each one's ``outcomes`` (see :func:`_outcome`) and whether it ``failed``
    (was rejected), and ``lr``, the peak proposed. ``progress(done, total)`` is called after
    every epoch of each probe's window.
    """
    if rec.steps_per_epoch is None or rec.epochs is None:
        raise ValueError("probe_recommendation: the recommendation has no run length.")
    total = rec.steps_per_epoch * rec.epochs
    warmup = rec.schedule.to_basis("iteration", rec.steps_per_epoch).warmup
    steps = min(total, max(round(PROBE_FRACTION * total), warmup + MIN_AFTER))
    initial = untrained_loss(task, device)
    record: dict[str, Any] = {
        "steps": 0,
        "window": steps,
        "peaks": [],
        "failed": [],
        "outcomes": [],
        "best_val": [],
        "untrained_val": initial,
    }
    epochs = math.ceil(steps / rec.steps_per_epoch)
    report = (lambda epoch, _val: progress(epoch + 1, epochs)) if progress else None

    def probe(schedule: ScheduleSpec) -> str:
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
        outcome = _outcome(result.diverged, vals, initial)
        record["steps"] += result.steps
        record["peaks"].append(schedule.lr)
        record["failed"].append(outcome in UNSTABLE)
        record["outcomes"].append(outcome)
        record["best_val"].append(min((v for v in vals if math.isfinite(v)), default=math.nan))
        return outcome

    def halve_while_unstable(schedule: ScheduleSpec) -> tuple[ScheduleSpec, str]:
        outcome = probe(schedule)
        for _ in range(HALVINGS):
            if outcome not in UNSTABLE:
                break
            schedule = schedule.replace(lr=schedule.lr / 2)
            outcome = probe(schedule)
        return schedule, outcome

    schedule, outcome = rec.schedule, None
    if rec.ceiling is not None and rec.ceiling > schedule.lr:
        top, top_outcome = halve_while_unstable(schedule.replace(lr=rec.ceiling))
        below = top.lr <= schedule.lr  # the ceiling's ladder came down to the rules' peak
        record["ceiling"] = {
            "from": rec.ceiling,
            "probes": len(record["peaks"]),
            "lr": top.lr,
            "proposed": below,
        }
        if below:
            schedule, outcome = top, top_outcome
    if outcome is None:
        schedule, outcome = halve_while_unstable(schedule)
    if outcome == "did not learn":
        peak_val = record["best_val"][-1]
        control = schedule
        for _ in range(CONTROLS):
            control = control.replace(lr=control.lr / 2)
            if probe(control) == "learnt":
                _propose_last(record)
                schedule = control
                break
        else:
            schedule = _raise(schedule, rec.limit, probe, record, peak_val)
    record["lr"] = schedule.lr
    reason = probe_reason(record, fell=FELL)
    return replace(rec, schedule=schedule, reasons=(*rec.reasons, reason), probe=record)


def _raise(
    schedule: ScheduleSpec,
    limit: float | None,
    probe: Callable[[ScheduleSpec], str],
    record: dict[str, Any],
    peak_val: float,
) -> ScheduleSpec:
    """After a peak and its controls all learnt nothing: probe ``RAISE``× the peak, then
    ``RAISE``× that, and so on up to ``limit`` (the last rung is the limit itself), and return
    the first that learnt and held (else ``schedule``); a raised peak that diverges or
    relapses ends the climb, and so does one whose validation loss fell no lower than
    ``peak_val`` (the peak's) and every earlier rung's (a higher peak did not help), or a
    rung at or above a peak that already failed in this probe (it is not trained again)."""
    failed = [p for p, o in zip(record["peaks"], record["outcomes"]) if o in UNSTABLE]
    lowest_failed = min(failed, default=math.inf)
    lowest_val = peak_val
    peak = schedule
    while limit is not None and peak.lr < limit:
        peak = peak.replace(lr=min(RAISE * peak.lr, limit))
        if peak.lr >= lowest_failed:
            break
        outcome = probe(peak)
        if outcome == "learnt":
            _propose_last(record)
            record["raised"] = True
            return peak
        if outcome in UNSTABLE:
            break
        if record["best_val"][-1] >= lowest_val:
            record["climb_stopped"] = True
            break
        lowest_val = record["best_val"][-1]
    return schedule


def _propose_last(record: dict[str, Any]) -> None:
    """Mark the last peak probed as the one proposed, and every earlier one as rejected."""
    record["failed"] = [True] * (len(record["peaks"]) - 1) + [False]


def _outcome(diverged: bool, vals: Sequence[float], initial: float) -> str:
    """``diverged``, ``relapsed``, ``learnt`` (fell below ``FELL`` × the untrained loss)
    or ``did not learn``."""
    if diverged or relapsed(initial=initial, val_losses=vals):
        return "diverged" if diverged or not math.isfinite(vals[-1]) else "relapsed"
    return "learnt" if min(vals) < FELL * initial else "did not learn"


def untrained_loss(task: Task, device: str | torch.device) -> float:
    """The validation loss of the model every probe and race run starts from, before any
    update: a deep copy of ``task.model`` (:func:`~lrtune.train.train_schedule`'s default;
    the seed moves only the data order). A model freshly built by the factory would be
    another initialisation: on eqpairs_gru_adagrad one read 1.09 where the runs started
    from 1.21 (candidate (45), docs/suggestion.md)."""
    return evaluate(task, copy.deepcopy(task.model).to(device), device=device)
