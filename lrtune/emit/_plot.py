"""Plot a schedule: LR against optimizer step, with epoch boundaries (matplotlib, lazy)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lrtune.schedules import ScheduleSpec

__all__ = ["Mark", "merge_marks", "plot_schedule", "save_figure"]

#: A vertical line on a plot: ``(label, lr, color, linestyle)``.
Mark = tuple[str, float, str, str]


def merge_marks(marks: list[Mark], *, rel: float = 0.03) -> list[Mark]:
    """Merge marks within ``rel`` of each other into one, whose label names them all.

    Equal suggestions would draw on top of each other and hide all but one; the first mark
    of each group (``marks`` comes in order of importance) gives the colour and style.

    Example:
        >>> marks = merge_marks([("suggested", 0.01, "C1", "-"), ("valley", 0.01, "C4", ":"),
        ...                      ("divergence", 0.2, "C3", "--"), ("steepest", 0.199, "C2", ":")])
        >>> [label for label, *_ in marks]
        ['suggested = valley 0.01', 'divergence 0.2 ≈ steepest 0.199']
    """
    groups: list[list[Mark]] = []
    for mark in marks:
        for group in groups:
            if abs(mark[1] - group[0][1]) <= rel * max(abs(group[0][1]), 1e-300):
                group.append(mark)
                break
        else:
            groups.append([mark])
    merged = []
    for group in groups:
        label, lr, color, style = group[0]
        if all(f"{m[1]:.3g}" == f"{lr:.3g}" for m in group):
            text = " = ".join(m[0] for m in group) + f" {lr:.3g}"
        else:
            text = " ≈ ".join(f"{m[0]} {m[1]:.3g}" for m in group)
        merged.append((text, lr, color, style))
    return merged


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
