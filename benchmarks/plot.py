"""The benchmark's figure: final validation loss against peak LR, per task."""

from __future__ import annotations

import math
from pathlib import Path

from benchmarks.evaluate import TaskReport

__all__ = ["plot"]


def plot(reports: list[TaskReport], path: Path) -> None:
    """The grid's curves (one per shape) and every method's mean, one panel per task."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(reports)
    cols = min(n, 3)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.8 * rows), squeeze=False)
    markers = "osD^v<>PX*hp"
    for ax, r in zip(axes.flat, reports):
        for shape in dict.fromkeys(c.shape for c in r.cells):
            cells = [c for c in r.cells if c.shape == shape and math.isfinite(c.mean)]
            ax.plot([c.lr for c in cells], [c.mean for c in cells], "-", lw=1.1, label=shape)
        for i, s in enumerate(r.scores):
            if math.isfinite(s.lr) and math.isfinite(s.val):
                ax.plot(
                    s.lr,
                    s.val,
                    markers[i % len(markers)],
                    ms=7,
                    mfc="none",
                    mew=1.4,
                    color=f"C{i % 10}",
                    label=s.method,
                )
        crit = getattr(r.bench.module, "CRITICAL_LR", None)
        if crit:
            ax.axvline(crit, color="k", ls=":", lw=1, label="2/λ_max")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(r.bench.name, fontsize=10)
        ax.set_xlabel("peak LR")
        ax.set_ylabel("final val loss")
        ax.grid(alpha=0.3, which="both")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    labels: dict[str, object] = {}
    for ax in axes.flat:
        for handle, label in zip(*ax.get_legend_handles_labels()):
            labels.setdefault(label, handle)
    fig.legend(
        list(labels.values()), list(labels), loc="lower center", ncol=6, fontsize=8, frameon=False
    )
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path, dpi=90)
    plt.close(fig)
