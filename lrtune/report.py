"""Render a :class:`~lrtune.api.FindResult`: the report folder and the terminal summary.

Plotting only reads the frozen result; matplotlib and rich are imported where used.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lrtune.errors import OutputError

if TYPE_CHECKING:
    from rich.console import Console

    from lrtune.api import FindResult
    from lrtune.recommend import Recommendation

__all__ = ["plot_curve", "check_output", "write_report", "print_summary"]


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


def check_output(out: str | Path, *, json_path: str | Path | None = None) -> None:
    """Raise :class:`OutputError` unless ``out`` and ``json_path`` can be written.

    Called before any training, so an unwritable path costs nothing. Nothing is left behind
    (a missing folder is not created; a probe file is deleted at once).

    Example:
        >>> check_output("/dev/null/report")
        Traceback (most recent call last):
        ...
        lrtune.errors.OutputError: --out /dev/null/report: cannot create the folder: /dev/null is not a folder; pass --out with a folder you can write to
    """  # noqa: E501
    _check_path(Path(out), "--out", folder=True)
    if json_path is not None:
        _check_path(Path(json_path), "--json", folder=False)


def _check_path(path: Path, option: str, *, folder: bool) -> None:
    fix = f"pass {option} with a {'folder' if folder else 'path'} you can write to"
    what = "create the folder" if folder else "write the file"
    if path.exists():
        if path.is_dir() != folder:
            kind = "a file, not a folder" if folder else "a folder, not a file"
            raise OutputError(f"{option} {path}: it is {kind}; {fix}")
        if not folder:  # an existing file: can it be opened for writing (without truncating)?
            try:
                with path.open("a"):
                    pass
            except OSError as exc:
                raise OutputError(
                    f"{option} {path}: cannot {what}: {exc.strerror}; {fix}"
                ) from None
            return
    parent = path if path.exists() else path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{option} {path}: cannot {what}: {parent} is not a folder; {fix}")
    try:
        with tempfile.TemporaryFile(dir=parent):
            pass
    except OSError as exc:
        raise OutputError(
            f"{option} {path}: cannot {what}: cannot write in {parent} ({exc.strerror}); {fix}"
        ) from None


def write_report(
    result: FindResult, out: str | Path, *, json_path: str | Path | None = None
) -> dict[str, Path]:
    """Write ``result.json``, ``curve.png``, ``schedule.png`` and the code files into ``out``.

    Every file is tried, result.json first; returns the paths written, by name.

    Raises:
        OutputError: a file could not be written (after trying the others); the message
            names it and the reason.
    """
    out = Path(out)
    rec = result.recommendation
    jobs: list[tuple[str, Path, Callable[[Path], Path]]] = [
        ("result", Path(json_path or out / "result.json"), result.save),
        ("curve", out / "curve.png", lambda path: plot_curve(result, path)),
    ]
    if rec is not None:
        jobs.append(("schedule", out / "schedule.png", lambda path: _plot_schedule(rec, path)))
    for fmt, code in result.code.items():
        suffix = {"yaml": "yaml", "json": "json"}.get(fmt, "py")
        name = f"schedule_{fmt}.{suffix}" if fmt not in ("yaml", "json") else f"schedule.{suffix}"
        text = code if code.endswith("\n") else code + "\n"
        jobs.append((f"code.{fmt}", out / name, lambda path, text=text: _write_text(path, text)))
    written: dict[str, Path] = {}
    failed: list[str] = []
    for key, path, write in jobs:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            written[key] = write(path)
        except OSError as exc:
            failed.append(f"{path} ({exc.strerror or exc})")
    if failed:
        raise OutputError(f"could not write {', '.join(failed)}")
    return written


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _plot_schedule(rec: Recommendation, path: Path) -> Path:
    from lrtune.emit import plot_schedule

    return plot_schedule(
        rec.schedule, path, steps_per_epoch=rec.steps_per_epoch or 1, epochs=rec.epochs or 1
    )


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
        + (
            f" (held, then a {rec.schedule.cooldown} cooldown over the last "
            f"{rec.schedule.decay_steps})"
            if rec.scheduler == "wsd"
            else ""
        )
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
