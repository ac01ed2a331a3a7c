"""Read a range-test curve: smoothing, the classic suggestions, the divergence LR.

Pure functions over numbers; nothing here plots or trains.

Example:
    >>> import numpy as np
    >>> lrs = np.logspace(-5, 0, 60)
    >>> losses = 2.0 - 1.5 / (1 + np.exp(-3 * (np.log10(lrs) + 3))) + 50 * (lrs > 0.3) * lrs
    >>> a = analyze_curve(lrs, losses)
    >>> 1e-4 < a.suggested_lr < 1e-2
    True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from scipy.signal import savgol_filter
from sklearn.isotonic import IsotonicRegression

from lrtune.analysis._limits import MIN_POINTS, short_curve_error
from lrtune.errors import ConfigError

__all__ = [
    "CLIFF_STEPS",
    "FLOOR_TOLERANCE",
    "CurveAnalysis",
    "analyze_curve",
    "ema_smooth",
    "savgol_smooth",
    "divergence_lr",
    "aggregate_curves",
]

Confidence = Literal["high", "medium", "low"]

#: The loss has reached its floor within this fraction of its descent above the minimum.
#: Read on the monotone descent, where it is still falling: a tighter tolerance lands on the
#: flat bottom, where a shift of the noise moves it by 5x (transformer_lm_scratch: 0.010 or
#: 0.055 for one find seed, depending on torch's thread count).
FLOOR_TOLERANCE = 0.2
#: A loss has blown up only once it has lost this share of the sweep's descent (above its
#: lowest point): relative jumps of a low loss are batch noise.
LOST = 0.25
#: A curve whose loss covered half its descent fewer than this many sweep steps below the
#: divergence LR is a flat-then-cliff curve (the default sweep has 12.5 steps per decade).
CLIFF_STEPS = 10


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


@dataclass(frozen=True)
class CurveAnalysis:
    """What the curve says about the learning rate.

    Attributes:
        lrs, losses: the curve analysed (raw, or aggregated over repeats).
        smoothed: zero-lag smoothed losses.
        steepest_lr: fastest descent of the smoothed loss against log LR.
        valley_lr: where the descent has covered two thirds of the way to the minimum.
        min_loss_lr: LR at the smoothed minimum (``min_loss_lr / 10`` is a classic pick).
        floor_lr: where the monotone descent comes within ``FLOOR_TOLERANCE`` (20%) of its
            drop above the minimum: where the loss reaches its floor, read while it is still
            falling. Steadier than ``min_loss_lr`` on a flat bottom, where the minimum's
            place is decided by noise.
        diverge_lr: where the loss starts to blow up (``None`` if the curve never does).
        diverge_method: ``growth-rate`` (back-extrapolated from the blow-up rate),
            ``rebound`` (where the monotone fit rises) or ``none``.
        suggested_lr: the recommended peak LR; ``lr_range`` a plausible interval.
        confidence: ``high``, ``medium`` or ``low``; ``notes`` say why.
        cliff_steps: sweep steps from where the loss had covered half its descent to the
            divergence LR (``None`` without a divergence LR). Fewer than ``CLIFF_STEPS`` is a
            flat-then-cliff curve (:attr:`flat_then_cliff`).
    """

    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    smoothed: tuple[float, ...]
    steepest_lr: float
    valley_lr: float
    min_loss_lr: float
    diverge_lr: float | None
    diverge_method: str
    suggested_lr: float
    lr_range: tuple[float, float]
    confidence: Confidence
    notes: tuple[str, ...] = field(default_factory=tuple)
    floor_lr: float | None = None
    cliff_steps: int | None = None

    @property
    def min_loss_lr_div10(self) -> float:
        return self.min_loss_lr / 10

    @property
    def flat_then_cliff(self) -> bool:
        """The loss did half its falling in the last few steps before it blew up: at the
        moderate LRs before, the model had too few steps to move, so the sweep did not
        resolve where training works (a finer, narrower sweep can)."""
        return self.cliff_steps is not None and self.cliff_steps < CLIFF_STEPS

    def to_dict(self, *, with_curve: bool = True) -> dict[str, Any]:
        """JSON-safe dict; the keys are documented in docs/result-json.md."""
        data: dict[str, Any] = {
            "suggested_lr": self.suggested_lr,
            "lr_range": list(self.lr_range),
            "steepest_lr": self.steepest_lr,
            "valley_lr": self.valley_lr,
            "min_loss_lr": self.min_loss_lr,
            "min_loss_lr_div10": self.min_loss_lr_div10,
            "floor_lr": self.floor_lr,
            "cliff_steps": self.cliff_steps,
            "flat_then_cliff": self.flat_then_cliff,
            "diverge_lr": self.diverge_lr,
            "diverge_method": self.diverge_method,
            "confidence": self.confidence,
            "notes": list(self.notes),
        }
        if with_curve:
            data["curve"] = {
                "lrs": list(self.lrs),
                "losses": list(self.losses),
                "smoothed": list(self.smoothed),
            }
        return data


def _log_interp(x: np.ndarray, lrs: np.ndarray, at: float) -> float:
    """The LR where the decreasing sequence ``x`` crosses ``at`` (log-linear interpolation)."""
    below = np.nonzero(x <= at)[0]
    if len(below) == 0:
        return float(lrs[-1])
    j = int(below[0])
    if j == 0 or x[j - 1] == x[j]:
        return float(lrs[j])
    frac = (x[j - 1] - at) / (x[j - 1] - x[j])
    return float(np.exp(np.log(lrs[j - 1]) + frac * (np.log(lrs[j]) - np.log(lrs[j - 1]))))


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
    drop. ``patient``: a curve that has not fallen by more than 3× its batch noise
    (:func:`batch_noise`) has nothing to lose, so there only growth in a row counts.

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
    if patient and level - low <= 3 * batch_noise(loss):  # nothing learnt beyond the noise
        lost = math.inf  # so nothing to lose: only growth in a row counts
    grows = [loss[t] > 0 and loss[t + 1] / loss[t] >= min_growth for t in range(len(loss) - 1)]
    runs_of_3 = [all(grows[u : u + 3]) for u in range(len(grows) - 2)]  # exponential growth
    estimates = []
    for t in range(start, len(loss) - 1):
        sustained = any(runs_of_3[max(t - 2, 0) : t + 1])
        if grows[t] and (loss[t + 1] >= lost or sustained):
            rho = math.sqrt(loss[t + 1] / loss[t])
            eta_lambda = (rho * rho + momentum) / rho + 1 + momentum
            estimates.append(2 * (1 + momentum) * lr[t] / eta_lambda)
    if estimates:
        return float(min(estimates)), "growth-rate"
    tail = loss[min_index:]
    if len(tail) >= 3:
        drop = smooth[: min_index + 1].max() - smooth[min_index]
        fit = IsotonicRegression(increasing=True).fit_transform(np.log(lr[min_index:]), tail)
        risen = np.nonzero(fit - smooth[min_index] >= 0.1 * max(drop, 1e-12))[0]
        if len(risen):
            return float(lr[min_index + int(risen[0])]), "rebound"
    return None, "none"


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


def _first_blow_up(raw: np.ndarray, first: int, factor: float, patient: bool = False) -> int:
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
        >>> _first_blow_up(losses, 2, 4.0)
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


def analyze_curve(
    lrs: Sequence[float],
    losses: Sequence[float],
    *,
    momentum: float = 0.0,
    skip_start: float = 0.05,
    diverge_factor: float = 4.0,
    interrupted: bool = False,
    patient: bool = False,
) -> CurveAnalysis:
    """Analyse one range-test curve (or an aggregate of several).

    The suggested LR is the log-median of the steepest-descent LR, the valley LR and
    the minimum-loss LR / 10, capped at half the divergence LR (Smith, arXiv
    1506.01186: the best rate is usually within 2x of the largest that converges).

    Args:
        lrs, losses: the curve, increasing LRs.
        momentum: the optimizer's momentum or β1 (used by the divergence model).
        skip_start: fraction of the first points ignored for the slope (noise).
        diverge_factor: the curve is read up to the first loss above this multiple of
            the lowest loss before it; what follows a blow-up (a network that recovers
            at a huge LR, e.g. with BatchNorm) is not a usable learning rate.
        interrupted: the sweep was cut short (Ctrl-C) at the curve's last LR: nothing above
            it was measured, so the confidence is ``low`` and no note asks for a wider sweep.
        patient: the patient reading of a blow-up before the loss has fallen beyond its
            batch noise (only growth in a row counts there): the noise race's other reading
            (:mod:`lrtune.recommend.zoom_race`).

    Raises:
        CurveError: fewer than ``MIN_POINTS`` (8) usable points, with the fix for the cause
            (an early blow-up, an interruption: ``InterruptedCurveError``, a short sweep).
    """
    lr = np.asarray(lrs, dtype=float)
    raw = np.asarray(losses, dtype=float)
    if len(lr) != len(raw):
        raise ConfigError(f"expected as many lrs as losses, got {len(lr)} and {len(raw)}.")
    finite = np.isfinite(raw)
    n = int(np.argmin(finite)) if not finite.all() else len(raw)
    first = max(1, int(skip_start * n))
    cut = _first_blow_up(raw[:n], first, diverge_factor, patient) if n else 0
    if n < MIN_POINTS or cut < MIN_POINTS:
        blow_up = cut if 0 < cut < n else None
        raise short_curve_error(lr.tolist(), n, interrupted=interrupted, blow_up=blow_up)
    non_finite_lr = float(lr[n]) if n < len(raw) else None
    blow_lr, blow_raw = lr[: min(n, cut + 3)], raw[: min(n, cut + 3)]  # a few blow-up steps
    lr, raw = lr[:cut], raw[:cut]
    notes: list[str] = []
    smooth = savgol_smooth(raw)
    i_min = first + int(np.argmin(smooth[first:]))
    # The descent: a decreasing isotonic fit from the start to the minimum.
    descent = IsotonicRegression(increasing=False).fit_transform(
        np.log(lr[: i_min + 1]), smooth[: i_min + 1]
    )
    top, bottom = float(descent[0]), float(descent[-1])
    drop = top - bottom
    rel_drop = drop / abs(top) if top != 0 else 0.0
    if i_min - first >= 2:
        slope = np.gradient(smooth[first : i_min + 1], np.log(lr[first : i_min + 1]))
        steepest = float(lr[first + int(np.argmin(slope))])
    else:
        steepest = float(lr[i_min])
        notes.append("the loss is lowest at the start of the sweep: lower --start-lr.")
    valley = _log_interp(descent, lr[: i_min + 1], top - 2 / 3 * drop)
    min_loss_lr = float(lr[i_min])
    floor_lr = _log_interp(descent, lr[: i_min + 1], bottom + FLOOR_TOLERANCE * drop)
    diverge, method = divergence_lr(
        blow_lr, blow_raw, momentum=momentum, min_index=i_min, patient=patient
    )
    if diverge is None and non_finite_lr is not None:
        diverge, method = non_finite_lr, "non-finite"
        notes.append(
            f"the loss turned non-finite at lr={non_finite_lr:.3g} without growing first: "
            "that LR is taken as the divergence LR (an upper bound)."
        )
    if interrupted:
        notes.append(
            f"the range test was interrupted at lr={float(lr[-1]):.3g}: nothing above it was "
            "measured, so the suggestion may be far too low; run the test to the end."
        )
    elif diverge is None:
        notes.append("the loss never blew up: raise --end-lr to find the divergence LR.")
    candidates = sorted([steepest, valley, min_loss_lr / 10])
    suggested = candidates[1]
    high = candidates[-1]
    if diverge is not None:
        cap = diverge / 2
        if suggested > cap:
            notes.append("suggestion capped at half the divergence LR.")
        suggested, high = min(suggested, cap), min(high, cap)
    low = min(candidates[0], suggested)
    if rel_drop < 0.05 and not interrupted:  # an interrupted sweep needs finishing, not widening
        notes.append(
            f"the loss fell only {rel_drop:.0%} during the sweep: widen --start-lr/--end-lr "
            "or raise --num-iter."
        )
    confidence: Confidence = "high"
    if rel_drop < 0.05:
        confidence = "low"
    elif diverge is None or rel_drop < 0.2:
        confidence = "medium"
    if interrupted:  # an incomplete sweep never gives a confident suggestion
        confidence = "low"
    cliff_steps = None
    if diverge is not None and not interrupted:
        half = _log_interp(descent, lr[: i_min + 1], top - drop / 2)
        cliff_steps = int(np.count_nonzero((lr >= half) & (lr < diverge)))
    return CurveAnalysis(
        lrs=tuple(lr.tolist()),
        losses=tuple(raw.tolist()),
        smoothed=tuple(smooth.tolist()),
        steepest_lr=steepest,
        valley_lr=valley,
        min_loss_lr=min_loss_lr,
        diverge_lr=diverge,
        diverge_method=method,
        suggested_lr=float(suggested),
        lr_range=(float(low), float(max(high, suggested))),
        confidence=confidence,
        notes=tuple(notes),
        floor_lr=floor_lr,
        cliff_steps=cliff_steps,
    )
