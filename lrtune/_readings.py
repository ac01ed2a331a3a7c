"""Reading the range test's repeated runs: the combined curve, the pooled floor, and the
first sweep's own readings where a second sweep ran.

The runs of one sweep are combined step by step into their median
(:func:`~lrtune.analysis.aggregate_curves`) and analysed; the floor is pooled from the runs'
own floors (:func:`pooled_lr`). After a zoom or a long sweep, the analysis reads that sweep
(:func:`read_runs`), and the first sweep's readings are kept for the races that choose
between the two (:func:`first_sweep_readings`, :func:`patient_readings`). The runs
themselves are made by :func:`lrtune._measure.measure`.

Example:
    >>> from lrtune.rangetest import RangeTestResult
    >>> run = RangeTestResult(lrs=(1e-3, 1e-2), losses=(1.0, 0.5), stop_reason="completed",
    ...                       num_iter=2, seconds=0.1, stage="zoom")
    >>> [r.stage for r in read_runs((run,))]
    ['zoom']
"""

from __future__ import annotations

import math
import statistics
from dataclasses import replace

from lrtune._second_sweep import zoom_trigger
from lrtune.analysis import CurveAnalysis, aggregate_curves, analyze_curve
from lrtune.analysis.curve import SKIP_START
from lrtune.errors import CurveError
from lrtune.rangetest import RangeTestResult

__all__ = [
    "NOISY_HEAD",
    "NOISY_START",
    "analyse_runs",
    "blowup_lr",
    "first_sweep",
    "first_sweep_readings",
    "first_sweep_trigger",
    "patient_readings",
    "pooled_lr",
    "read_once",
    "read_runs",
]


#: The share of the points that sets the starting level of a curve read again after a blow-up
#: in its first steps (the usual reading: ``SKIP_START``, 5%): the median of
#: tnoise_mlp_radam's heavy-tailed batch losses over its first 5% was 0.56, and a median of
#: 2.8 at step 7 passed 4x it.
NOISY_HEAD = 0.1
#: The note of a curve read again because the usual reading blew up in its first steps.
NOISY_START = (
    "the combined curve jumped 4x above its lowest loss within its first few steps, and the "
    "runs trained on past it: batch noise, so the curve is read patiently, from the median "
    "of its first tenth (before the loss falls beyond its noise, only a jump past 4x that "
    "starting level counts as a blow-up)."
)


def read_runs(runs: tuple[RangeTestResult, ...]) -> tuple[RangeTestResult, ...]:
    """The runs the analysis reads: the second sweep's (the zoom or the long sweep) when
    there was one, else all of them."""
    second = tuple(r for r in runs if r.stage != "sweep")
    return second or runs


def blowup_lr(runs: tuple[RangeTestResult, ...]) -> float | None:
    """The median LR at which the read runs (:func:`read_runs`) blew up: the last LR of each
    that stopped because it diverged (``None`` where none did).

    Example:
        >>> cut = RangeTestResult(lrs=(1e-3, 0.04), losses=(1.0, 9.0), stop_reason="diverged",
        ...                       num_iter=2, seconds=0.1)
        >>> blowup_lr((cut, replace(cut, lrs=(1e-3, 0.09)), replace(cut, stop_reason="completed")))
        0.065
    """
    ends = [r.lrs[-1] for r in read_runs(runs) if r.stop_reason == "diverged" and r.lrs]
    return float(statistics.median(ends)) if ends else None


def first_sweep(runs: tuple[RangeTestResult, ...]) -> tuple[RangeTestResult, ...]:
    """The first sweep's runs (all of them when there was no second sweep)."""
    return tuple(r for r in runs if r.stage == "sweep")


def analyse_runs(
    runs: tuple[RangeTestResult, ...], *, momentum: float, patient: bool = False
) -> CurveAnalysis:
    """Analyse the repeated runs' combined curve (the zoom's runs when there is a zoom).

    The curve counts as interrupted when Ctrl-C cut the last run short and that run is where
    the combined curve ends (the other runs did not measure beyond it). Its ``floor_lr`` is
    the repeats' own floors pooled (:func:`pooled_lr`): a threshold read off the step-wise
    median curve jumps between the repeats' values (on charlm_gru, three find seeds read
    0.0118, 0.0145 and 0.0216 from repeats whose floors were 0.013–0.022), capped at the
    combined curve's ``min_loss_lr``: a floor is read while the loss still falls, and
    repeats whose losses fall to their own bottoms at different LRs pool past the minimum of
    the curve read (candidate (61): sorted_attn_adamw pooled 0.046 against a minimum at
    0.022, the grid's best cosine peak 0.0097). ``patient``:
    :func:`~lrtune.analysis.analyze_curve`'s patient reading, which is also taken where the
    usual one reads a blow-up too early to analyse on runs that trained on past it, with the
    first ``NOISY_HEAD`` of the points as the starting level: batch noise (diabetes_wide_sgd,
    batch 4: a median loss of 0.30 at step 1 and of 1.20 at step 5, on repeats that ran 81-85
    steps).
    """
    try:
        return read_once(runs, momentum=momentum, patient=patient)
    except CurveError as early:
        if patient:
            raise
        try:
            analysis = read_once(runs, momentum=momentum, patient=True, head=NOISY_HEAD)
        except CurveError:
            raise early from None
        return replace(analysis, notes=(*analysis.notes, NOISY_START))


def read_once(
    runs: tuple[RangeTestResult, ...],
    *,
    momentum: float,
    patient: bool,
    head: float = SKIP_START,
) -> CurveAnalysis:
    """:func:`analyse_runs` in one reading (the usual one, or the patient one), its first
    ``head`` of the points setting the starting level: without the patient re-read after a
    blow-up in the first steps (:func:`lrtune._measure.measure` reads a zoom so)."""
    runs = read_runs(runs)
    lrs, losses = aggregate_curves([(r.lrs, r.losses) for r in runs])
    last = runs[-1]
    interrupted = last.stop_reason == "interrupted" and len(lrs) <= last.steps
    analysis = analyze_curve(
        lrs, losses, momentum=momentum, skip_start=head, interrupted=interrupted, patient=patient
    )
    if len(runs) > 1 and analysis.floor_lr is not None:
        floors = (_floor_lr(r, momentum, patient) for r in runs)
        pooled = pooled_lr([lr for lr in floors if lr])
        if pooled is not None:
            analysis = replace(analysis, floor_lr=min(pooled, analysis.min_loss_lr))
    return analysis


def first_sweep_readings(
    runs: tuple[RangeTestResult, ...], zoomed: CurveAnalysis, *, momentum: float
) -> CurveAnalysis | None:
    """After a zoom that blew up, the first sweep's analysis with the divergence LR of
    ``zoomed`` (:func:`analyse_runs` of ``runs``, the zoom's): the zoom race's other candidate
    (:mod:`lrtune.recommend.zoom_race`). ``None`` without a zoom, where the zoom never blew
    up, or where the first sweep cannot be analysed.
    """
    first = first_sweep(runs)
    if zoomed.diverge_lr is None or not first or not any(r.stage == "zoom" for r in runs):
        return None
    try:
        analysis = analyse_runs(first, momentum=momentum)
    except CurveError:
        return None
    return replace(analysis, diverge_lr=zoomed.diverge_lr, diverge_method=zoomed.diverge_method)


def first_sweep_trigger(runs: tuple[RangeTestResult, ...], *, momentum: float) -> str | None:
    """The trigger :func:`zoom_trigger` fired on the first sweep of ``runs`` (``momentum``:
    the optimizer's, with which :func:`measure` read it): ``"noise"``, ``"cliff"``, or
    ``None`` where there was no zoom or the first sweep cannot be analysed. After a
    ``"noise"`` zoom the zoom's race counts a lead within ``TIE`` as a tie
    (:mod:`lrtune.recommend.zoom_race`); the zoom's reason is worded from it.
    """
    first = first_sweep(runs)
    if not first or not any(r.stage == "zoom" for r in runs):
        return None
    try:
        return zoom_trigger(analyse_runs(first, momentum=momentum), first)
    except CurveError:
        return None


def patient_readings(runs: tuple[RangeTestResult, ...], *, momentum: float) -> CurveAnalysis | None:
    """The patient reading of the first sweep's runs where it differs from their plain one:
    the noise race's other candidate (:mod:`lrtune.recommend.zoom_race`). The first sweep,
    not the zoom, because a blow-up read in the noise also places the zoom (one find seed of
    friedman2_mlp_rmsprop zoomed around 2e-7). ``None`` where the two readings agree or the
    patient one cannot be analysed.
    """
    first = first_sweep(runs)
    if not first:
        return None
    try:
        patient = analyse_runs(first, momentum=momentum, patient=True)
        plain = analyse_runs(first, momentum=momentum)
    except CurveError:
        return None

    def readings(a: CurveAnalysis) -> tuple[float | None, ...]:
        return a.diverge_lr, a.floor_lr, a.min_loss_lr, a.suggested_lr

    return None if readings(patient) == readings(plain) else patient


def _floor_lr(run: RangeTestResult, momentum: float, patient: bool = False) -> float | None:
    """One repeat's ``floor_lr`` (``None`` where it alone is too short to analyse)."""
    try:
        return analyze_curve(run.lrs, run.losses, momentum=momentum, patient=patient).floor_lr
    except CurveError:
        return None


def pooled_lr(values: list[float], *, within: float = 4.0) -> float | None:
    """The geometric mean of the repeats' estimates within ``within``× of their median (a
    stray repeat does not carry it); ``None`` with fewer than two such estimates.

    Example:
        >>> round(pooled_lr([0.014, 0.0129, 0.0217]), 4)
        0.0158
        >>> round(pooled_lr([0.024, 0.030, 1.3e-6]), 4)  # the stray repeat is left out
        0.0268
    """
    logs = [math.log(v) for v in values if v > 0]
    if len(logs) < 2:
        return None
    middle = statistics.median(logs)
    kept = [x for x in logs if abs(x - middle) <= math.log(within)]
    return math.exp(sum(kept) / len(kept)) if len(kept) >= 2 else None
