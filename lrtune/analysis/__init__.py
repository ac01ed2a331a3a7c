"""Curve analysis and dataset statistics: pure functions over measured values."""

from lrtune.analysis.curve import (
    CurveAnalysis,
    aggregate_curves,
    analyze_curve,
    divergence_lr,
    ema_smooth,
    savgol_smooth,
)

__all__ = [
    "CurveAnalysis",
    "aggregate_curves",
    "analyze_curve",
    "divergence_lr",
    "ema_smooth",
    "savgol_smooth",
]
