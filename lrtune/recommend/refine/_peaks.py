"""``--tune``'s peak race, where the budget fits no Optuna search.

An Optuna search needs two trials and a confirmation race four times their length, at least
68% of the run (:mod:`._plan`), more with the horizon check before it; at the default
``--budget 1`` that rarely fits. The rules' peak can still be far off: on the benchmark's
held-out tasks it missed the grid's best by 4-50× on some Adam-family models (too low) and
by 2-6× on some SGD ones (too high, up to divergence). So with what the budget holds, the
proposal races its own schedule at other peaks on one fresh data order: first ``FACTOR``×
it, or for SGD 1/``FACTOR`` of it (SGD's peak sits just under its divergence LR; 4× it won
a compressed race on the benchmark's digits CNN and stalled in the full run). Where that
challenger beat the proposal by more than ``MARGIN``, the race climbs one rung the same way
(16×, or a sixteenth for SGD); where it did not, the others race a quarter of the peak
instead. Each run trains the whole schedule compressed into a fifth of the run
(:func:`~._plan.trial_schedule`), the length at which the zoom's race ranked two peaks as
full-length runs did (:mod:`lrtune.recommend.zoom_race`). A second data order then decides:
where the rung beat the first challenger by more than ``MARGIN``, the two run again and the
rung is kept only if it wins by that much again, else the first challenger (its lead over
the proposal and the rung's over it show the trend; a rung at 16× the proposal's peak won
the first order on the benchmark's friedman2 MLP, 0.052 against 0.088 and 0.118, and
relapsed on the second, 0.44); otherwise the challenger runs again with the proposal and
replaces it only if it won by that much on each order.
A compressed run favours the higher of two peaks (Wu et al.'s short-horizon bias): on the
benchmark, 4× the rules' peak led by 2-8% in compressed runs on tasks where the full run
favoured the rules' peak, while true gains led by 10-98%, and a quarter of a peak that was
too high never won. So outside SGD each run trains its peak times :func:`horizon_shift`,
about 1.6 at a fifth of the run: the factor by which a compressed run's best peak sat above
the full run's on the design half (``benchmarks/horizon_shift.py``); the peaks the race names
and keeps are the full run's. SGD's runs are not shifted: its peak sits just under the
stability edge, which does not move with the run's length. Five runs of a fifth cost at
most the whole run. Where the budget, less a horizon check already run, holds only four runs
of at least 15% of the run (rounded down, so that the default check's 40% leaves room for
them: rounded up, four runs overshot the 60% left by a step or three on 690-, 550-, 270- and
225-step runs, and no race ran), the first challenger races alone (the plan:
:mod:`._race_plan`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import torch

from lrtune.errors import ConfigError
from lrtune.recommend._recommendation import Reason, Recommendation, SearchRecord
from lrtune.recommend.refine._plan import trial_schedule
from lrtune.recommend.refine._race_plan import fifth_run_budget, horizon_shift, peak_plan
from lrtune.recommend.refine._trials import _eval_task
from lrtune.state import stream_seed
from lrtune.task import Task
from lrtune.train import train_schedule

__all__ = ["FACTOR", "ORDERS", "race_peaks"]

#: Each rung of the race multiplies (divides, for SGD) the peak by this factor.
FACTOR = 4.0
#: Data orders a challenger must win on, each...
ORDERS = 2
#: ...with a final validation loss lower than the proposal's by more than this share of it.
MARGIN = 0.10
#: The race's data orders are ``seed``'s streams ``ORDER_OFFSET``, ...
#: (:func:`~lrtune.state.stream_seed`): none the other stages train on.
ORDER_OFFSET = 1000
SOURCE = (
    "Smith arXiv 1506.01186 (the best LR lies within a few × of the range test's reading); "
    "Wu et al. arXiv 1803.02021 (short runs, the whole schedule compressed)"
)


def race_peaks(
    task: Task,
    proposal: Recommendation,
    *,
    budget: float,
    spent: int,
    sgd: bool,
    search_budget: float,
    seed: int = 0,
    device: str | torch.device = "cpu",
    progress: Callable[[int, int], None] | None = None,
) -> Recommendation | None:
    """Race ``proposal`` against its schedule at other peaks (see the module); return the
    winner with a ``peak-race`` reason and a :class:`SearchRecord` (``confirmation["kind"]
    == "peak-race"``), or ``None`` when ``budget`` × the run, less ``spent`` steps, holds no
    race. ``search_budget`` is the ``--budget`` an Optuna search would need (for the reason).
    Runs score on ``task``'s validation loader, else on 8 training batches drawn once.
    """
    spe, epochs = proposal.steps_per_epoch, proposal.epochs
    if not spe or not epochs:
        return None
    total = spe * epochs
    fit = peak_plan(total, max(int(budget * total) - spent, 0), sgd=sgd)
    if fit is None:
        return None
    window, most = fit
    task = _eval_task(task, seed)
    step = 1 / FACTOR if sgd else FACTOR  # SGD's peak sits near its cliff: only lower
    peaks: list[float] = []
    runs: list[tuple[int, int, float, int]] = []  # (peak index, data order, loss, steps)
    steps = 0

    shift = horizon_shift(total, window, sgd=sgd)
    orders = [stream_seed(seed, ORDER_OFFSET + o) for o in range(ORDERS)]  # data-order seeds

    def run(index: int, order: int) -> float:
        nonlocal steps
        spec = proposal.schedule.replace(lr=peaks[index] * shift)
        short = trial_schedule(spec, steps_per_epoch=spe, factor=window / total)
        result = train_schedule(
            task,
            short,
            epochs=epochs,
            seed=orders[order],
            device=device,
            max_steps=window,
        )
        steps += result.steps
        loss = result.val_loss if math.isfinite(result.val_loss) else math.inf  # inf: diverged
        runs.append((index, order, loss, result.steps))
        if progress is not None:
            progress(len(runs), most)
        return loss

    def race(peak: float) -> float:  # a new peak on the first order
        peaks.append(peak)
        return run(len(peaks) - 1, 0)

    try:
        trial_schedule(proposal.schedule, steps_per_epoch=spe, factor=window / total)
    except ConfigError:  # too few steps for the schedule's shape: no race
        return None
    lr = proposal.schedule.lr
    first = [race(lr), race(lr * step)]
    challenger = 1 if _beats(first[0], first[1]) else 0
    climbed = False
    if most >= 5 and challenger:  # the first challenger won: climb a rung the same way
        first.append(race(lr * step * step))
        climbed = _beats(first[1], first[2])
    elif most >= 5 and not sgd:  # 4x lost: a quarter of the peak instead
        first.append(race(lr / FACTOR))
        challenger = 2 if _beats(first[0], first[2]) else 0
    if climbed:  # the second order decides between the rung and the challenger below it
        below, rung = run(1, 1), run(2, 1)
        kept = 0 if math.isinf(below) else 2 if _beats(below, rung) else 1  # diverged: neither
    elif challenger:
        pairs = [(first[0], first[challenger]), (run(0, 1), run(challenger, 1))]
        kept = challenger if _wins(pairs) else 0
    else:
        kept = 0
    if progress is not None:
        progress(most, most)
    record = {
        "kind": "peak-race",
        "peaks": peaks,
        "runs": [{"peak": peaks[i], "order": orders[o], "loss": _finite(v)} for i, o, v, _ in runs],
        "window": window,
        "shift": shift,
        "steps": steps,
        "kept": "winner" if kept else "proposal",
        "lr": peaks[kept],
    }
    scored = [v for v in first if math.isfinite(v)]
    search = SearchRecord(
        n_trials=len(peaks),
        n_pruned=0,
        cost_steps=spent + steps,
        cost_fraction=(spent + steps) / total,
        best_value=min(scored) if scored else None,
        trials=tuple(
            {
                "number": i,
                "params": {"lr": peaks[i]},
                "value": _finite(v),
                "state": "complete",
                "steps": n,
            }
            for i, o, v, n in runs
            if o == 0
        ),
        confirmation=record,
    )
    missed = None  # the fifth run the race would have made, had the budget held it
    if most < 5 and (challenger or not sgd):
        missed = "a rung" if challenger else "a quarter of the peak"
        missed = (missed, fifth_run_budget(total, spent, sgd=sgd, start=budget))
    reason = _reason(record, budget=budget, search_budget=search_budget, total=total, missed=missed)
    return replace(
        proposal,
        schedule=proposal.schedule.replace(lr=peaks[kept]),
        reasons=(*proposal.reasons, reason),
        search=search,
    )


def _beats(proposal: float, challenger: float) -> bool:
    """Whether ``challenger``'s loss is lower than ``proposal``'s by more than ``MARGIN``
    (a diverged proposal, ``inf``, is beaten by any finite loss)."""
    return challenger < (1 - MARGIN) * proposal


def _wins(pairs: list[tuple[float, float]]) -> bool:
    """Whether the challenger (each pair's second) beat the proposal on each of ``ORDERS``."""
    return len(pairs) >= ORDERS and all(_beats(p, c) for p, c in pairs)


def _finite(value: float) -> float | None:
    """``value``, or ``None`` for a run that diverged."""
    return value if math.isfinite(value) else None


def _shifted(shift: float) -> str:
    """The reason's words for ``shift`` (none where it is 1)."""
    if shift == 1.0:
        return ""
    return (
        f" and trained at {shift:.2g}x the peak named (a run that short is best at a higher "
        "peak than the full run)"
    )


def _reason(
    record: dict[str, Any],
    *,
    budget: float,
    search_budget: float,
    total: int,
    missed: tuple[str, float] | None = None,
) -> Reason:
    orders: dict[int, list[str]] = {}
    for r in record["runs"]:
        loss = "diverged" if r["loss"] is None else f"{r['loss']:.4g}"
        orders.setdefault(r["order"], []).append(f"{loss} at {r['peak']:.3g}")
    runs = "; ".join(f"order {n}: {', '.join(v)}" for n, v in enumerate(orders.values(), 1))
    peaks = record["peaks"]
    kept = (
        f"the challenger's peak {record['lr']:.3g} replaces the proposal's {peaks[0]:.3g}"
        if record["kept"] == "winner"
        else f"the proposal's peak {peaks[0]:.3g} is kept"
    )
    fit = f"--budget {search_budget:g}" if search_budget <= 10 else "more than --budget 10"
    return Reason(
        "peak-race",
        f"The budget {budget:g}x of a {total}-step run fits no Optuna search (it needs "
        f"{fit}), so the proposal raced its schedule at other peaks, each compressed into "
        f"{record['window']} updates{_shifted(record['shift'])} on fresh data orders ({runs}); "
        "a challenger must be "
        f"lower by more than {MARGIN:.0%} on each of {ORDERS} orders (a rung, than the peak "
        f"below it), so {kept}."
        + (
            f" The budget left held four runs, so {missed[0]} was not raced (--budget "
            f"{missed[1]:g} would hold a fifth run)."
            if missed
            else ""
        ),
        SOURCE,
    )
