"""Read a range-test curve: the classic suggestions, the floor, the divergence LR, and how
sure the reading is (:class:`CurveAnalysis`).

Pure functions over numbers; nothing here plots or trains. The smoothing lives in
:mod:`lrtune.analysis.smoothing`, the blow-up readings in :mod:`lrtune.analysis.divergence`.

Example:
    >>> import numpy as np
    >>> lrs = np.logspace(-5, 0, 60)
    >>> losses = 2.0 - 1.5 / (1 + np.exp(-3 * (np.log10(lrs) + 3))) + 50 * (lrs > 0.3) * lrs
    >>> a = analyze_curve(lrs, losses)
    >>> 1e-4 < a.suggested_lr < 1e-2
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from sklearn.isotonic import IsotonicRegression

from lrtune.analysis._limits import MIN_POINTS, short_curve_error
from lrtune.analysis.divergence import (
    divergence_lr,
    fell_beyond_noise,
    first_blow_up,
    rebound_lr,
)
from lrtune.analysis.smoothing import savgol_smooth
from lrtune.errors import ConfigError

__all__ = [
    "CLIFF_STEPS",
    "FLAT_DROP",
    "FLOOR_TOLERANCE",
    "SKIP_START",
    "CurveAnalysis",
    "analyze_curve",
]

Confidence = Literal["high", "medium", "low"]

#: The loss has reached its floor within this fraction of its descent above the minimum.
#: Read on the monotone descent, where it is still falling: a tighter tolerance lands on the
#: flat bottom, where a shift of the noise moves it by 5x (transformer_lm_scratch: 0.010 or
#: 0.055 for one find seed, depending on torch's thread count).
FLOOR_TOLERANCE = 0.2
#: A curve whose loss covered half its descent fewer than this many sweep steps below the
#: divergence LR is a flat-then-cliff curve (the default sweep has 12.5 steps per decade).
CLIFF_STEPS = 10
#: A sweep whose loss fell by less than this fraction of its starting value is flat: it did
#: not resolve where training works (confidence ``low``; :attr:`CurveAnalysis.flat`).
FLAT_DROP = 0.05
#: The share of a curve's first points that sets its starting level and that the slope and
#: the blow-up search skip (batch noise).
SKIP_START = 0.05


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
        rebound_lr: where the loss, after its minimum, has risen back by a tenth of its
            descent (:func:`~lrtune.analysis.divergence.rebound_lr`): where it stopped falling
            and got worse, often well before it blows up. ``None`` where it never rose that
            far before the cut, or where the loss never fell beyond 3× its batch noise (a
            rise out of the noise is not a rebound).
        cliff_steps: sweep steps from where the loss had covered half its descent to the
            divergence LR (``None`` without a divergence LR). Fewer than ``CLIFF_STEPS`` is a
            flat-then-cliff curve (:attr:`flat_then_cliff`).
        drop_fraction: how far the loss fell during the sweep, as a fraction of where it
            started (the monotone descent's drop over its top). Below ``FLAT_DROP`` (5%) the
            curve is flat (:attr:`flat`).
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
    rebound_lr: float | None = None
    drop_fraction: float | None = None

    @property
    def min_loss_lr_div10(self) -> float:
        return self.min_loss_lr / 10

    @property
    def flat_then_cliff(self) -> bool:
        """The loss did half its falling in the last few steps before it blew up: at the
        moderate LRs before, the model had too few steps to move, so the sweep did not
        resolve where training works (a finer, narrower sweep can)."""
        return self.cliff_steps is not None and self.cliff_steps < CLIFF_STEPS

    @property
    def flat(self) -> bool:
        """The loss fell by less than ``FLAT_DROP`` (5%) during the sweep: at no LR did the
        model have steps enough to move, so the readings sit in the noise (a longer sweep can
        resolve it: :func:`lrtune._measure.measure`)."""
        return self.drop_fraction is not None and self.drop_fraction < FLAT_DROP

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
            "rebound_lr": self.rebound_lr,
            "cliff_steps": self.cliff_steps,
            "flat_then_cliff": self.flat_then_cliff,
            "drop_fraction": self.drop_fraction,
            "flat": self.flat,
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


def analyze_curve(
    lrs: Sequence[float],
    losses: Sequence[float],
    *,
    momentum: float = 0.0,
    skip_start: float = SKIP_START,
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
    cut = first_blow_up(raw[:n], first, diverge_factor, patient) if n else 0
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
    learnt = fell_beyond_noise(raw, float(smooth[i_min]))
    rebound = rebound_lr(lr, raw, smooth, i_min) if learnt else None
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
    if rel_drop < FLAT_DROP and not interrupted:  # interrupted: finish it, not widen
        notes.append(
            f"the loss fell only {rel_drop:.0%} during the sweep: widen --start-lr/--end-lr "
            "or raise --num-iter."
        )
    confidence: Confidence = "high"
    if rel_drop < FLAT_DROP:
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
        rebound_lr=rebound,
        drop_fraction=float(rel_drop),
    )
