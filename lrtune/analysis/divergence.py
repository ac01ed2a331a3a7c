"""Where a range-test curve blows up: the divergence LR read from the loss's growth rate,
the first blown-up step (where a sweep's curve is cut), and the batch noise both read against.

Example:
    >>> losses = np.r_[np.full(10, 2.3), np.linspace(2.3, 1.4, 20), [2.8, 2.7, 1.6]]
    >>> first_blow_up(losses, 2, 4.0)
    30
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from sklearn.isotonic import IsotonicRegression

from lrtune.analysis.smoothing import savgol_smooth

__all__ = [
    "LOST",
    "REBOUND",
    "batch_noise",
    "divergence_lr",
    "fell_beyond_noise",
    "first_blow_up",
    "rebound_lr",
]

#: A loss has blown up only once it has lost this share of the sweep's descent (above its
#: lowest point): relative jumps of a low loss are batch noise.
LOST = 0.25


def divergence_lr(
    lrs: Sequence[float],
    losses: Sequence[float],
    *,
    momentum: float = 0.0,
    min_index: int | None = None,
    min_growth: float = 2.0,
    patient: bool = False,
) -> tuple[float | None, str]:
    """Estimate the LR where the loss starts to blow up.

    Past the stability limit the unstable direction grows by a factor ρ(η) per step,
    so the loss grows by ρ². For gradient descent with heavy-ball momentum β on a
    quadratic, ρ solves ρ² − (ηλ − 1 − β)ρ + β = 0 and the limit is η* = 2(1+β)/λ.
    From each blow-up step (loss ratio ≥ ``min_growth``) we solve for ηλ and get η*;
    steps where the unstable direction does not yet dominate over-estimate η*, so
    the smallest estimate is kept. A growing step counts once the loss has lost ``LOST`` of
    the sweep's descent, or within three growing steps in a row (an exponential growth, not
    noise): near a low loss, batch noise doubles the loss from one step to the next (a
    trained classifier's 0.09, then 0.16, then 0.44). Without a clear blow-up the fallback
    is where an increasing isotonic fit of the loss after its minimum has risen 10% of the
    drop (:func:`rebound_lr`). ``patient``: a curve that has not fallen by more than 3× its
    batch noise (:func:`batch_noise`) has nothing to lose, so there only growth in a row
    counts. On such a curve, patient or not, a growth step also counts only if the loss never
    comes back down to where it was before the jump: a sweep's LR only rises, so past the
    stability limit it stays past it, and a loss that came back was a chance high batch
    (maxseq_lstm_sgd's batches of 16 noisy targets: one batch 6× its predecessor at 1.4e-6).

    Returns:
        ``(lr, method)`` with ``method`` in ``growth-rate``, ``rebound``, ``none``.

    Example:
        >>> lam = 7.0  # gradient descent on 0.5 * lam * w**2 diverges above 2 / 7
        >>> lrs = np.logspace(-3, 0, 40); w = 1.0; losses = []
        >>> for lr in lrs:
        ...     losses.append(0.5 * lam * w * w); w -= lr * lam * w
        >>> lr, method = divergence_lr(lrs, losses)
        >>> method, round(lr * lam / 2, 1)
        ('growth-rate', 1.0)
    """
    lr = np.asarray(lrs, dtype=float)
    loss = np.asarray(losses, dtype=float)
    finite = np.isfinite(loss)
    if not finite.all():
        cut = int(np.argmin(finite))
        lr, loss = lr[:cut], loss[:cut]
    if len(loss) < 3:
        return None, "none"
    smooth = savgol_smooth(loss)
    if min_index is None:
        min_index = int(np.argmin(smooth))
    start = max(0, min_index - 1)
    level = float(np.median(loss[: max(1, len(loss) // 20)]))
    low = float(smooth[min_index])
    lost = low + LOST * max(level - low, 0.0)  # a blow-up has lost a share of what was learnt
    learnt = fell_beyond_noise(loss, low)
    if patient and not learnt:  # nothing learnt beyond the noise
        lost = math.inf  # so nothing to lose: only growth in a row counts
    grows = [loss[t] > 0 and loss[t + 1] / loss[t] >= min_growth for t in range(len(loss) - 1)]
    runs_of_3 = [all(grows[u : u + 3]) for u in range(len(grows) - 2)]  # exponential growth
    # the lowest loss after each step (inf after the last): where a jump came back down to
    lowest_after = np.append(np.minimum.accumulate(loss[::-1])[::-1][1:], np.inf)
    estimates = []
    for t in range(start, len(loss) - 1):
        sustained = any(runs_of_3[max(t - 2, 0) : t + 1])
        # nothing learnt: a jump the loss comes back down from was a chance high batch
        chance = not learnt and lowest_after[t + 1] <= loss[t]
        if grows[t] and (loss[t + 1] >= lost or sustained) and not chance:
            rho = math.sqrt(loss[t + 1] / loss[t])
            eta_lambda = (rho * rho + momentum) / rho + 1 + momentum
            estimates.append(2 * (1 + momentum) * lr[t] / eta_lambda)
    if estimates:
        return float(min(estimates)), "growth-rate"
    rebound = rebound_lr(lr, loss, smooth, min_index)
    return (rebound, "rebound") if rebound is not None else (None, "none")


#: The rebound: where the loss, after its minimum, has risen back by this share of its descent.
REBOUND = 0.1


def rebound_lr(
    lrs: np.ndarray, losses: np.ndarray, smooth: np.ndarray, min_index: int
) -> float | None:
    """The first LR after the minimum where an increasing isotonic fit of the loss has risen
    ``REBOUND`` (10%) of the descent above the smoothed minimum: where the loss stopped
    falling and started to get worse, read without the noise of the minimum's own place
    (``None`` where it never rose that far).

    Example:
        >>> lrs = np.logspace(-3, 0, 30)
        >>> losses = np.r_[np.linspace(2.0, 1.0, 20), np.linspace(1.0, 1.5, 10)]
        >>> round(rebound_lr(lrs, losses, losses, 19), 3)  # 0.1 of the drop of 1.0 above 1.0
        0.189
    """
    tail = losses[min_index:]
    if len(tail) < 3:
        return None
    drop = smooth[: min_index + 1].max() - smooth[min_index]
    fit = IsotonicRegression(increasing=True).fit_transform(np.log(lrs[min_index:]), tail)
    risen = np.nonzero(fit - smooth[min_index] >= REBOUND * max(drop, 1e-12))[0]
    return float(lrs[min_index + int(risen[0])]) if len(risen) else None


#: A loss back above where the sweep started, once it had fallen below this fraction of
#: that level, counts as a blow-up (the model has lost what it learnt).
_RELAPSE_BELOW = 0.8
#: The batch noise of a relapse is measured on the first this many losses (at the start's
#: level: the noise of a regression loss scales with the loss).
_NOISE_POINTS = 10
#: The patient reading's batch noise is read on this many (:func:`batch_noise`).
_PATIENT_NOISE_POINTS = 20


def batch_noise(raw: np.ndarray, first: int = 0) -> float:
    """The batch noise at the start of a curve, as the patient reading measures it: a robust
    standard deviation of the first ``max(first, 20)`` losses, read from their step-to-step
    differences (which a slow trend barely moves), 1.4826 × their median absolute deviation
    / √2. Ten raw losses read 0.06 on friedman2_mlp_rmsprop, whose batch losses spread
    0.6–1.7 at a standstill.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> flat, falling = 1 + 0.1 * rng.standard_normal(40), np.linspace(2, 1, 40)
        >>> round(batch_noise(flat), 1), round(batch_noise(flat + falling), 1)
        (0.1, 0.1)
    """
    steps = np.diff(raw[: max(first, _PATIENT_NOISE_POINTS)])
    if len(steps) == 0:
        return 0.0
    return 1.4826 * float(np.median(np.abs(steps - np.median(steps)))) / math.sqrt(2)


def fell_beyond_noise(loss: np.ndarray, low: float) -> bool:
    """Whether a curve fell from its starting level (the median of its first 5%) to ``low``
    by more than 3× its :func:`batch_noise`: whether it learnt anything a rise could lose.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> flat = 1 + 0.1 * rng.standard_normal(40)
        >>> fell_beyond_noise(flat, 0.9), fell_beyond_noise(flat, 0.2)
        (False, True)
    """
    level = float(np.median(loss[: max(1, len(loss) // 20)]))
    return level - low > 3 * batch_noise(loss)


def first_blow_up(raw: np.ndarray, first: int, factor: float, patient: bool = False) -> int:
    """Index of the first blown-up loss (else the end).

    A loss blows up when it exceeds ``factor`` × the lowest loss before it and has lost
    ``LOST`` of the descent to that lowest loss (a trained classifier's batch losses jump
    from 0.02 to 0.14 by chance), or when it
    relapses: the smoothed loss had fallen below ``_RELAPSE_BELOW`` × its starting level
    (the median of the first ``first`` points), and by more than 3× the batch noise (a
    robust spread of the first ``_NOISE_POINTS`` losses), and a loss climbs back above that
    level by more than 3× the noise. A classifier whose loss is bounded near ln(classes)
    never grows 4×, it just forgets; a curve of very noisy batches (a random-teacher stream:
    losses from 0.8 to 2.8 at the same LR) dips 20% by chance, which is not a fall.
    ``patient``: the noise is :func:`batch_noise`, and before the smoothed loss has fallen
    by more than 3× it, a jump counts only past ``factor`` × the starting level (a chance high
    batch over a chance low one is not a blow-up: friedman3_gelu_adam's batch losses spread
    0.4–1.6 at a standstill).

    Example:
        >>> losses = np.r_[np.full(10, 2.3), np.linspace(2.3, 1.4, 20), [2.8, 2.7, 1.6]]
        >>> first_blow_up(losses, 2, 4.0)
        30
    """
    running_min = np.minimum.accumulate(raw)
    smooth = savgol_smooth(raw)
    smooth_min = np.minimum.accumulate(smooth)
    start = float(np.median(raw[: max(first, 1)]))
    if patient:
        noise = batch_noise(raw, first)
    else:
        head = raw[: max(first, _NOISE_POINTS)]  # the batch noise at the start's loss level
        noise = 1.4826 * float(np.median(np.abs(head - np.median(head))))
    for t in range(first + 1, len(raw)):
        low = running_min[t - 1]
        lost = raw[t] - low >= LOST * (start - low)  # not a noisy jump of a low loss
        if raw[t] > factor * low and low > 0 and lost:
            learnt = smooth_min[t - 1] < start - 3 * noise  # fallen beyond the noise
            if not patient or learnt or raw[t] > factor * start:
                return t
        fell = smooth_min[t - 1] < min(_RELAPSE_BELOW * start, start - 3 * noise)
        if start > 0 and fell and raw[t] > start + 3 * noise:
            return t
    return len(raw)
