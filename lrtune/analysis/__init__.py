"""Curve analysis and dataset statistics: pure functions over measured values."""

from lrtune.analysis._limits import MIN_POINTS
from lrtune.analysis.curve import CurveAnalysis, analyze_curve
from lrtune.analysis.dataset import DatasetStats, dataset_stats
from lrtune.analysis.divergence import divergence_lr
from lrtune.analysis.noise import grad_noise_scale
from lrtune.analysis.smoothing import aggregate_curves, ema_smooth, savgol_smooth

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
