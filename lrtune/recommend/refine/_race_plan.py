"""The peak race's plan: how long each run is, how many fit the budget, and the peak each
trains at (:mod:`lrtune.recommend.refine._peaks` runs the race).

Example:
    >>> peak_plan(1000, 1000, sgd=False)  # (window, runs)
    (200, 5)
    >>> peak_plan(1000, 600, sgd=False)  # a check spent 400 of a budget of 1000
    (150, 4)
    >>> peak_plan(1000, 900, sgd=True)  # SGD's window is sized for four runs
    (200, 4)
    >>> peak_plan(690, 414, sgd=False)  # a check spent 276 = 40% of 690: 4 runs of 103
    (103, 4)
    >>> peak_plan(1000, 500, sgd=True) is None
    True
"""

from __future__ import annotations

import math

from lrtune.recommend.refine._plan import RACE_MIN_FRACTION

__all__ = ["FRACTION", "HORIZON_EXPONENT", "fifth_run_budget", "horizon_shift", "peak_plan"]

#: The share of the planned run each race run trains, the whole schedule in it.
FRACTION = 0.2
#: A compressed run's best peak sits above the full run's by about ``(total / window) **
#: HORIZON_EXPONENT``: the median exponent ``benchmarks/horizon_shift.py`` measured on the
#: design half's seven non-SGD tasks (-0.61 to 1.06; candidate (60), docs/tuning.md).
HORIZON_EXPONENT = 0.28


def peak_plan(total: int, available: int, *, sgd: bool) -> tuple[int, int] | None:
    """The race runs' length and how many of them ``available`` steps of a ``total``-step run
    hold: for SGD, a window of a fifth (at least 15%) that four runs fit; for the others, one
    that five runs fit, else four; and up to five runs of it. ``None`` when not even four
    fit. Four runs race one challenger; a fifth lets the race climb a rung, or race the
    other direction."""
    longest = max(1, round(FRACTION * total))
    shortest = max(1, math.floor(RACE_MIN_FRACTION * total))
    for runs in (4,) if sgd else (5, 4):
        window = min(longest, available // runs)
        if window >= shortest:
            return window, min(5, available // window)
    return None


def horizon_shift(total: int, window: int, *, sgd: bool) -> float:
    """The factor each race run's peak is trained at: ``(total / window) **
    HORIZON_EXPONENT``, so that a run compressed into ``window`` of ``total`` steps stands for
    the full run at the peak it names; 1 for SGD, whose peak sits near the stability edge.

    Example:
        >>> round(horizon_shift(1000, 200, sgd=False), 2), horizon_shift(1000, 200, sgd=True)
        (1.57, 1.0)
    """
    return 1.0 if sgd else (total / window) ** HORIZON_EXPONENT


def fifth_run_budget(total: int, spent: int, *, sgd: bool, start: float = 1.0) -> float:
    """The least ``--budget`` from ``start`` up, in steps of 0.05, whose steps, less
    ``spent``, hold a fifth race run.

    Example:
        >>> fifth_run_budget(1000, 400, sgd=False)  # five runs of 15% after a check of 40%
        1.15
    """
    budget = math.ceil(round(start * 20, 6)) / 20
    while (fit := peak_plan(total, int(budget * total) - spent, sgd=sgd)) is None or fit[1] < 5:
        budget = round(budget + 0.05, 2)
    return budget
