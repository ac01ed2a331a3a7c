"""What the curve analysis needs, and the message when a curve falls short of it.

A curve can be short for three reasons, each with its own fix: the loss blew up within
the first few steps (the sweep reaches the unstable LRs too fast: lower ``--end-lr`` or
raise ``--num-iter``), the test was interrupted (run it again to the end), or the sweep
itself was too short (raise ``--num-iter``).

Example:
    >>> blew_up_early(4, 2.5e-6, non_finite=True).split(",")[0]
    'the loss blew up after 4 steps (non-finite at lr=2.5e-06)'
"""

from __future__ import annotations

from lrtune.errors import CurveError, InterruptedCurveError

__all__ = ["MIN_POINTS", "blew_up_early", "short_curve_error"]

#: The fewest points the analysis reads (smoothing windows, slopes, the blow-up test).
MIN_POINTS = 8


def blew_up_early(steps: int, lr: float, *, non_finite: bool) -> str:
    """The message for a loss that blows up after ``steps`` (< MIN_POINTS) steps, at ``lr``."""
    how = "non-finite at" if non_finite else "at"
    return (
        f"the loss blew up after {steps} steps ({how} lr={lr:.3g}), before the "
        f"{MIN_POINTS} points the analysis needs: the sweep reaches unstable rates too fast; "
        f"lower --end-lr (e.g. --end-lr {10 * lr:.2g}) or raise --num-iter for a finer sweep."
    )


def short_curve_error(
    lrs: list[float], n_finite: int, *, interrupted: bool, blow_up: int | None
) -> CurveError:
    """The error for a curve with fewer than MIN_POINTS usable points.

    Args:
        lrs: the LRs of the curve, including a last non-finite point if any.
        n_finite: the number of finite points before the first non-finite one.
        interrupted: the test was stopped by Ctrl-C.
        blow_up: the index where the finite losses blow up, if they do.
    """
    if n_finite < len(lrs):
        if n_finite == 0:
            return CurveError(
                f"the loss is not finite at the first point (lr={lrs[0]:.3g}): check the data "
                "for NaN/inf and that the loss is finite at initialisation."
            )
        return CurveError(blew_up_early(n_finite, lrs[n_finite], non_finite=True))
    if blow_up is not None:
        return CurveError(blew_up_early(blow_up, lrs[blow_up], non_finite=False))
    if interrupted:
        where = f" (lr={lrs[-1]:.3g})" if lrs else ""
        return InterruptedCurveError(
            f"the range test was interrupted after {n_finite} steps{where}, before the "
            f"{MIN_POINTS} points the analysis needs: no suggestion; run it again and let it "
            "finish."
        )
    return CurveError(
        f"expected at least {MIN_POINTS} points on the curve, got {n_finite}: run a longer "
        f"sweep (num_iter >= {MIN_POINTS})."
    )
