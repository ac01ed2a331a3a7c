"""When ``find`` sweeps a second time, and where: the zoom's trigger and centre, and the long
sweep's length (:func:`lrtune._measure.measure` runs them; the reasons are worded in
:mod:`lrtune._sweep_reasons`).

Example:
    >>> long_sweep_steps(100, 345), zoom_anchor(0.01, ())
    (345, 0.01)
"""

from __future__ import annotations

from lrtune.analysis import CurveAnalysis
from lrtune.rangetest import RangeTestResult

__all__ = [
    "LONG_CAP",
    "ZOOM_ABOVE",
    "ZOOM_BELOW",
    "long_sweep_steps",
    "lowest_blow_up",
    "read_in_noise",
    "zoom_anchor",
    "zoom_trigger",
]

#: The zoom sweeps from ``diverge_lr / ZOOM_BELOW`` to ``diverge_lr × ZOOM_ABOVE``.
ZOOM_BELOW = 100.0
ZOOM_ABOVE = 3.0
#: The long sweep runs at most this many times ``--num-iter`` steps (the zoom's density per
#: decade is of the same order: about 3× the first sweep's over a quarter of its range).
LONG_CAP = 10


def long_sweep_steps(num_iter: int, planned_updates: int | None) -> int | None:
    """The long sweep's length: the planned run's updates, at most ``LONG_CAP``× ``num_iter``
    (``LONG_CAP``× where the run's length is not known); ``None`` where that is no longer
    than the first sweep (a sweep as long as the run already read a flat curve).

    Example:
        >>> long_sweep_steps(100, 345), long_sweep_steps(100, 5000), long_sweep_steps(100, None)
        (345, 1000, 1000)
        >>> long_sweep_steps(100, 80) is None
        True
    """
    steps = min(planned_updates, LONG_CAP * num_iter) if planned_updates else LONG_CAP * num_iter
    return steps if steps > num_iter else None


def zoom_trigger(analysis: CurveAnalysis, runs: tuple[RangeTestResult, ...]) -> str | None:
    """Why the first sweep's ``analysis`` of ``runs`` asks for the zoom (``None``: it does
    not): ``"noise"``, its divergence reading sits far below every blow-up
    (:func:`read_in_noise`), or ``"cliff"``, a flat-then-cliff curve. Both need a divergence
    LR. The zoom's reason is worded from it (:mod:`lrtune._sweep_reasons`).

    Example:
        >>> from lrtune.rangetest import RangeTestResult
        >>> from lrtune.analysis import analyze_curve
        >>> lrs = [10 ** (-4 + k / 10) for k in range(40)]
        >>> losses = [1.0 - 0.3 * (k > 25) + 40.0 * (k > 36) for k in range(40)]
        >>> run = RangeTestResult(lrs=tuple(lrs), losses=tuple(losses),
        ...                       stop_reason="diverged", num_iter=40, seconds=0.1)
        >>> zoom_trigger(analyze_curve(lrs, losses), (run,))
        'cliff'
    """
    if analysis.diverge_lr is None:
        return None
    if read_in_noise(analysis.diverge_lr, runs):
        return "noise"
    return "cliff" if analysis.flat_then_cliff else None


def zoom_anchor(diverge_lr: float, runs: tuple[RangeTestResult, ...]) -> float:
    """Where the zoom centres: the divergence LR read, unless it sits more than
    ``ZOOM_BELOW``× below the lowest LR at which a repeat blew up; then that LR. A reading so
    far below every blow-up came from the batch noise at tiny rates (on the benchmark's
    lnmlp_regression_rmsprop, 2.4e-6 against blow-ups at 0.045-0.14), and a zoom around it
    never meets the cliff.

    Example:
        >>> from lrtune.rangetest import RangeTestResult
        >>> blew = RangeTestResult(lrs=(1e-6, 1e-3, 0.1), losses=(1.0, 0.9, 9.0),
        ...                        stop_reason="diverged", num_iter=3, seconds=0.1)
        >>> zoom_anchor(2e-6, (blew,)), zoom_anchor(0.01, (blew,))
        (0.1, 0.01)
    """
    return lowest_blow_up(runs) if read_in_noise(diverge_lr, runs) else diverge_lr


def read_in_noise(diverge_lr: float, runs: tuple[RangeTestResult, ...]) -> bool:
    """Whether a divergence reading sits more than ``ZOOM_BELOW``× below the lowest LR at
    which one of ``runs`` blew up: read from the batch noise at tiny rates, not where the
    loss blew up (tokencount_lstm_nadam: 2.3e-5 from a chance high batch among losses that
    jump between 0.2 and 2.9 at one LR, against blow-ups at 0.6-0.9).

    Example:
        >>> from lrtune.rangetest import RangeTestResult
        >>> blew = RangeTestResult(lrs=(1e-6, 1e-3, 0.1), losses=(1.0, 0.9, 9.0),
        ...                        stop_reason="diverged", num_iter=3, seconds=0.1)
        >>> read_in_noise(2e-6, (blew,)), read_in_noise(0.01, (blew,))
        (True, False)
    """
    lowest = lowest_blow_up(runs)
    return lowest is not None and diverge_lr * ZOOM_BELOW < lowest


def lowest_blow_up(runs: tuple[RangeTestResult, ...]) -> float | None:
    """The lowest LR at which one of ``runs`` stopped on a blow-up (``None``: none did)."""
    stops = [r.lrs[-1] for r in runs if r.stop_reason == "diverged" and r.lrs]
    return min(stops) if stops else None
