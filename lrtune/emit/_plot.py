"""Plot a schedule: LR against optimizer step, with epoch boundaries (matplotlib, lazy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lrtune.schedules import ScheduleSpec

__all__ = ["plot_schedule", "save_figure"]


def save_figure(fig: Any, path: str | Path) -> Path:
    """Save a matplotlib figure as ``path`` (parents created) and close it."""
    import matplotlib.pyplot as plt

    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_schedule(
    spec: ScheduleSpec, path: str | Path, *, steps_per_epoch: int, epochs: int
) -> Path:
    """Write a PNG of ``spec.lrs_per_iteration`` over ``epochs`` epochs to ``path``.

    Example:
        >>> import tempfile, pathlib
        >>> from lrtune.schedules import make_schedule
        >>> out = pathlib.Path(tempfile.mkdtemp()) / "s.png"
        >>> spec = make_schedule("constant", lr=0.1)
        >>> plot_schedule(spec, out, steps_per_epoch=2, epochs=2).exists()
        True
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = steps_per_epoch * epochs
    lrs = spec.lrs_per_iteration(steps_per_epoch, n)
    fig, ax = plt.subplots(figsize=(6, 3.2), dpi=100)
    ax.plot(range(n), lrs, drawstyle="steps-post", color="tab:blue")
    for epoch in range(1, epochs):
        ax.axvline(epoch * steps_per_epoch, color="0.85", linewidth=0.8, zorder=0)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("learning rate")
    ax.set_title(f"{spec.name} ({spec.basis} basis)")
    ax.set_ylim(bottom=0)
    return save_figure(fig, path)
