"""Render a :class:`~lrtune.api.FindResult`: the report folder and the terminal summary.

Plotting only reads the frozen result; matplotlib and rich are imported where used.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from lrtune.api import FindResult

__all__ = ["plot_curve", "write_report", "print_summary"]


def plot_curve(result: FindResult, path: str | Path) -> Path:
    """Draw loss against LR (log axis), raw and smoothed, with the suggestions marked.

    Example:
        >>> plot_curve(result, "curve.png")  # doctest: +SKIP
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lrtune.emit._plot import Mark, merge_marks, save_figure

    a = result.analysis
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    for i, run in enumerate(result.runs if len(result.runs) > 1 else ()):
        ax.plot(run.lrs, run.losses, color="0.8", lw=0.8, label="runs" if i == 0 else None)
    ax.plot(a.lrs, a.losses, color="0.55", lw=1, label="loss (raw)")
    ax.plot(a.lrs, a.smoothed, color="C0", lw=2, label="loss (smoothed)")
    marks: list[Mark] = [("suggested", a.suggested_lr, "C1", "-")]
    rec = result.recommendation
    if rec is not None and not math.isclose(rec.initial_lr, a.suggested_lr, rel_tol=1e-6):
        marks.append((f"{rec.scheduler} peak", rec.initial_lr, "C1", "-."))
    if a.diverge_lr is not None:
        marks.append(("divergence", a.diverge_lr, "C3", "--"))
    marks += [
        ("steepest", a.steepest_lr, "C2", ":"),
        ("valley", a.valley_lr, "C4", ":"),
        ("min loss / 10", a.min_loss_lr_div10, "C5", ":"),
    ]
    for label, lr, color, style in merge_marks(marks):
        ax.axvline(lr, color=color, ls=style, lw=1.5, label=label)
    low_lr, high_lr = a.lr_range
    ax.axvspan(
        low_lr, high_lr, color="C1", alpha=0.08, label=f"plausible {low_lr:.3g} – {high_lr:.3g}"
    )
    title = "LR range test"
    if result.interrupted:  # the unmeasured part of the sweep, and a title that says so
        run = result.runs[-1]
        end = float(run.sweep.get("end_lr", a.lrs[-1]))
        ax.axvspan(a.lrs[-1], end, color="0.5", alpha=0.15, hatch="//", label="not measured")
        title += f": INTERRUPTED at step {run.steps} of {run.num_iter} (partial curve)"
    ax.set_xscale("log")
    finite = [v for v in a.smoothed if v == v]
    low, high = min(finite), max(finite)
    pad = 0.1 * (high - low or 1.0)
    ax.set_ylim(low - pad, high + 3 * pad)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("training loss")
    ax.set_title(title, color="C3" if result.interrupted else "black")
    ax.legend(fontsize=7, loc="upper left")
    return save_figure(fig, path)


def write_report(
    result: FindResult, out: str | Path, *, json_path: str | Path | None = None
) -> dict[str, Path]:
    """Write ``curve.png``, ``schedule.png``, ``result.json`` and the code files into ``out``.

    Returns the paths written, by name.
    """
    from lrtune.emit import plot_schedule

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {"curve": plot_curve(result, out / "curve.png")}
    rec = result.recommendation
    if rec is not None:
        written["schedule"] = plot_schedule(
            rec.schedule,
            out / "schedule.png",
            steps_per_epoch=rec.steps_per_epoch or 1,
            epochs=rec.epochs or 1,
        )
    for fmt, code in result.code.items():
        suffix = {"yaml": "yaml", "json": "json"}.get(fmt, "py")
        name = f"schedule_{fmt}.{suffix}" if fmt not in ("yaml", "json") else f"schedule.{suffix}"
        target = out / name
        target.write_text(code if code.endswith("\n") else code + "\n")
        written[f"code.{fmt}"] = target
    written["result"] = result.save(json_path or out / "result.json")
    return written


def print_summary(
    result: FindResult, console: Console | None = None, *, fmt: str = "torch"
) -> None:
    """Print the analysis, the recommendation with its reasons, and the code."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    a = result.analysis
    run = result.runs[-1]
    title = "LR range test"
    if result.interrupted:
        title += f" [bold red](INTERRUPTED at step {run.steps} of {run.num_iter}: partial curve)[/]"
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("")
    table.add_column("value", justify="right")
    rows: list[tuple[str, Any]] = [
        ("suggested LR", f"[bold]{a.suggested_lr:.3g}[/]"),
        ("plausible range", f"{a.lr_range[0]:.3g} – {a.lr_range[1]:.3g}"),
        ("steepest descent", f"{a.steepest_lr:.3g}"),
        ("valley", f"{a.valley_lr:.3g}"),
        ("min loss / 10", f"{a.min_loss_lr_div10:.3g}"),
        (
            "divergence LR",
            f"{a.diverge_lr:.3g} ({a.diverge_method})" if a.diverge_lr else "not reached",
        ),
        ("confidence", a.confidence),
        (
            "steps",
            f"{sum(r.steps for r in result.runs)} in {len(result.runs)} run(s), "
            f"stopped: {run.stop_reason}, {run.steps_per_second:.0f} steps/s on {run.device}",
        ),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    console.print(table)
    for note in a.notes:
        console.print(f"[yellow]note:[/] {note}")
    rec = result.recommendation
    if rec is None:
        return
    d = rec.to_dict()
    unit = "epochs" if rec.basis == "epoch" else "iterations"
    console.print(
        f"\n[bold]Recommended schedule:[/] {rec.scheduler} on the {rec.basis} basis, "
        f"initial LR {rec.initial_lr:.3g}, warmup {rec.warmup} {unit}, decay period "
        f"{d['decay_period']} {unit}"
        + (f", eta_min ratio {rec.eta_min_ratio:g}" if rec.eta_min_ratio is not None else "")
    )
    for reason in rec.reasons:
        console.print(f"  • [cyan]{reason.rule}[/]: {reason.text} [dim]({reason.source})[/]")
    if rec.search is not None:
        s = rec.search
        console.print(
            f"  • [cyan]search[/]: {s.n_trials} trials ({s.n_pruned} pruned), "
            f"{s.cost_steps} optimizer steps = {s.cost_fraction:.2f}x the planned training"
        )
    code = result.code.get(fmt)
    if code:  # never re-wrapped, so that it pastes as it is
        console.print()
        console.print(code.rstrip("\n"), markup=False, highlight=False, soft_wrap=True)
