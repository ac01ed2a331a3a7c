"""Curve analysis and dataset statistics: pure functions over measured values."""

from lrtune.analysis._limits import MIN_POINTS
from lrtune.analysis.curve import (
    CurveAnalysis,
    aggregate_curves,
    analyze_curve,
    divergence_lr,
    ema_smooth,
    savgol_smooth,
)
from lrtune.analysis.dataset import DatasetStats, dataset_stats, grad_noise_scale

__all__ = [
    "MIN_POINTS",
    "CurveAnalysis",
    "DatasetStats",
    "dataset_stats",
    "grad_noise_scale",
    "aggregate_curves",
    "analyze_curve",
    "divergence_lr",
    "ema_smooth",
    "savgol_smooth",
]
