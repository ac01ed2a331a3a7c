"""Smoothing a range-test curve, and combining repeated runs of one sweep into one curve.

Example:
    >>> savgol_smooth([1, 2, 3, 4, 5]).round(6).tolist()
    [1.0, 2.0, 3.0, 4.0, 5.0]
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.signal import savgol_filter

from lrtune.errors import ConfigError

__all__ = ["aggregate_curves", "ema_smooth", "savgol_smooth"]


def ema_smooth(losses: Sequence[float], beta: float = 0.95) -> np.ndarray:
    """Bias-corrected exponential moving average (lags behind the curve; used for stopping).

    Example:
        >>> ema_smooth([1.0, 1.0, 1.0]).round(12).tolist()
        [1.0, 1.0, 1.0]
    """
    if not 0 <= beta < 1:
        raise ConfigError(f"beta: expected in [0, 1), got {beta}.")
    out = np.empty(len(losses))
    avg = 0.0
    for i, value in enumerate(losses):
        avg = beta * avg + (1 - beta) * value
        out[i] = avg / (1 - beta ** (i + 1))
    return out


def savgol_smooth(losses: Sequence[float], window: int | None = None) -> np.ndarray:
    """Zero-lag Savitzky–Golay smoothing (quadratic; window ~10% of the curve, odd, ≥ 5).

    Unlike an EMA it does not shift the curve to higher LRs, so slopes and minima
    stay where they are.

    Example:
        >>> savgol_smooth([1, 2, 3, 4, 5, 6, 7]).round(6).tolist()
        [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    """
    values = np.asarray(losses, dtype=float)
    n = len(values)
    if n < 5:
        return values.copy()
    if window is None:
        window = max(5, n // 10)
    window = min(window | 1, n if n % 2 else n - 1)
    return savgol_filter(values, window, polyorder=2, mode="interp")


def aggregate_curves(
    curves: Sequence[tuple[Sequence[float], Sequence[float]]],
) -> tuple[np.ndarray, np.ndarray]:
    """Combine repeated tests of the same sweep, step by step: the median loss of three or
    more runs (one stray run cannot carry it), the geometric mean of two.

    Steps are kept while at least half of the runs reached them (later steps of
    runs that stopped earlier are diverged anyway).

    Example:
        >>> lrs, losses = aggregate_curves([([1, 2, 3], [4.0, 1.0, 9.0]), ([1, 2], [1.0, 1.0])])
        >>> losses.round(12).tolist()
        [2.0, 1.0, 9.0]
        >>> runs = [([1, 2], [1.0, 2.0]), ([1, 2], [1.1, 2.1]), ([1, 2], [9.0, 0.1])]
        >>> aggregate_curves(runs)[1].round(12).tolist()
        [1.1, 2.0]
    """
    if not curves:
        raise ConfigError("aggregate_curves: expected at least one curve, got none.")
    longest = max(curves, key=lambda c: len(c[0]))[0]
    lengths = sorted(len(c[0]) for c in curves)
    keep = lengths[len(lengths) // 2]  # at least half of the runs are this long
    lrs = np.asarray(longest[:keep], dtype=float)
    stacked = []
    for i in range(keep):
        values = [c[1][i] for c in curves if len(c[1]) > i and math.isfinite(c[1][i])]
        if not values:  # every run blew up here
            stacked.append(math.nan)
            continue
        if len(values) >= 3:
            stacked.append(float(np.median(values)))
            continue
        positive = all(v > 0 for v in values)
        stacked.append(
            float(np.exp(np.mean(np.log(values)))) if positive else float(np.mean(values))
        )
    return lrs, np.asarray(stacked)
