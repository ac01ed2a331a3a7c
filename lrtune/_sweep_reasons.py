"""Why the analysis reads a second sweep: the reason the zoom or the long sweep adds to the
recommendation (:func:`second_sweep_reason`; the sweeps themselves: :mod:`lrtune._measure`).

Example:
    >>> from lrtune.rangetest import RangeTestResult
    >>> run = RangeTestResult(lrs=(1e-3, 1e-2), losses=(1.0, 0.5), stop_reason="completed",
    ...                       num_iter=2, seconds=0.1)
    >>> second_sweep_reason((run,), momentum=0.0) is None
    True
"""

from __future__ import annotations

import math

from lrtune._readings import first_sweep, first_sweep_trigger, read_runs
from lrtune._second_sweep import LONG_CAP, ZOOM_BELOW, lowest_blow_up
from lrtune.analysis.curve import FLAT_DROP
from lrtune.rangetest import RangeTestResult
from lrtune.recommend import Reason

__all__ = ["long_sweep_reason", "second_sweep_reason", "zoom_reason"]


def zoom_reason(runs: tuple[RangeTestResult, ...], *, momentum: float) -> Reason:
    """Why the analysis reads a second, narrower sweep (``momentum``: the optimizer's, with
    which :func:`~lrtune._measure.measure` read the first sweep)."""
    zoom, first = read_runs(runs), first_sweep(runs)
    sweep = zoom[0].sweep
    low, high = sweep.get("start_lr", zoom[0].lrs[0]), sweep.get("end_lr", zoom[0].lrs[-1])
    per_decade = zoom[0].num_iter / math.log10(high / low)
    again = (
        f"measured it again ({per_decade:.0f} steps per decade); the analysis reads the "
        "second sweep."
    )
    if first_sweep_trigger(runs, momentum=momentum) == "noise":
        text = (
            f"the first sweep's divergence reading sat more than {ZOOM_BELOW:g}x below "
            f"{lowest_blow_up(first):.3g}, the lowest LR at which a repeat blew up: it was "
            "read in the batch noise at tiny rates, and the sweep had not resolved where "
            f"training works, so a second sweep over {low:.3g}-{high:.3g}, centred on that "
            "blow-up, " + again
        )
    else:
        text = (
            "the first sweep's loss did half of its falling in the last few steps before it "
            "blew up (flat, then a cliff: at moderate LRs the model had too few steps to move, "
            "and the blow-up was met by a barely trained model), so a second sweep over "
            f"{low:.3g}-{high:.3g} " + again
        )
    return Reason(
        "zoom",
        text,
        "Smith arXiv 1506.01186 (a range test's range is narrowed once the region is known); "
        "Cohen et al. arXiv 2103.00065 (sharpness rises as training starts)",
    )


def long_sweep_reason(runs: tuple[RangeTestResult, ...]) -> Reason:
    """Why the analysis reads a second, longer sweep over the same range."""
    first, long = first_sweep(runs), read_runs(runs)[0]
    return Reason(
        "long-sweep",
        f"the first sweep's loss fell by less than {FLAT_DROP:.0%} over its "
        f"{first[0].num_iter} steps (flat: at no LR had the model steps enough to move, so "
        f"its readings sat in the batch noise), so one sweep over the same range "
        f"{long.lrs[0]:.3g}-{long.sweep.get('end_lr', long.lrs[-1]):.3g}, {long.num_iter} "
        "steps long (as long as the planned run, at most "
        f"{LONG_CAP}x --num-iter), measured it again; the analysis reads that sweep.",
        "Smith arXiv 1506.01186 (the range test's length sets how far the model trains at "
        "each LR); Saxe et al. arXiv 1312.6120 (deep nets leave a plateau only after many "
        "steps)",
    )


def second_sweep_reason(runs: tuple[RangeTestResult, ...], *, momentum: float) -> Reason | None:
    """The reason for the second sweep the analysis reads (``None``: there was none);
    ``momentum`` as for :func:`zoom_reason`."""
    stages = {r.stage for r in runs}
    if "zoom" in stages:
        return zoom_reason(runs, momentum=momentum)
    return long_sweep_reason(runs) if "long" in stages else None
