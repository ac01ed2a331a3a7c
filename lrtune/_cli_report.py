"""What ``find`` and ``recommend`` show: a progress bar per phase and, at the end, the report,
the result, and what was lost.

The summary and the code always reach the terminal, even when a file cannot be written (one
``error: ...`` line then says which) or the run was interrupted (a line says what is kept and
the command that resumes it).
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lrtune.errors import OutputError

if TYPE_CHECKING:
    from rich.console import Console

    from lrtune.api import FindConfig, FindResult

__all__ = ["Rerun", "finish", "interrupted_lines", "progress_bar"]

#: The exit status after Ctrl-C, as a shell reports SIGINT.
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Rerun:
    """What a command needs to say how to resume it: the saved result and the options."""

    result_json: str | None
    model_py: str | None
    config: FindConfig
    out: str | None = None


def finish(
    result: FindResult,
    *,
    out: str | None,
    json_path: str | None,
    fmt: str,
    console: Console,
    rerun: Rerun | None = None,
) -> int:
    """Write the report (when ``out`` is given), print the summary and code; the exit status.

    ``rerun`` is given after Ctrl-C: the lines that say what is kept and how to resume are
    printed after the summary, and the status is 130. A file that cannot be written prints
    one ``error:`` line after the summary, and the status is 1.
    """
    from rich.console import Console

    from lrtune.report import print_summary, write_report

    written: dict[str, Path] = {}
    failure = None
    if out is not None:
        try:
            written = write_report(result, out, json_path=json_path)
        except OutputError as exc:
            failure = exc
    print_summary(result, Console(), fmt=fmt)
    if written:
        console.print("[dim]wrote " + ", ".join(str(p) for p in written.values()) + "[/]")
    if failure is not None:
        console.print(
            f"error: {failure}; the summary and code above are the result: copy them, or run "
            "again with --out/--json where there is room",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    if rerun is not None:
        saved = str(written["result"]) if "result" in written else rerun.result_json
        for line in interrupted_lines(result, rerun, saved):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
        return EXIT_INTERRUPTED
    return 1 if failure is not None else 0


def interrupted_lines(result: FindResult, rerun: Rerun, saved: str | None) -> list[str]:
    """What an interrupted run kept, and the command that resumes it from ``saved``."""
    if result.interrupted:  # Ctrl-C in the range test itself: nothing to resume from
        run = result.runs[-1]
        kept = f" in {saved}" if saved else " (not saved: no --out)"
        return [
            f"interrupted: the range test stopped at step {run.steps} of {run.num_iter} "
            f"(lr={run.lrs[-1]:.3g}); the curve measured so far is kept{kept}, marked as "
            "partial (confidence low), and nothing was checked or searched; run `lrtune find` "
            "again and let it finish for a suggestion to rely on."
        ]
    rec = result.recommendation
    search = rec.search if rec is not None else None
    tune = rerun.config.tune
    if search is None:
        stage = "the horizon check" if tune is None else "the horizon check or the peak race"
        lines = [
            f"interrupted: {stage} stopped; the range test is kept, and the recommendation is "
            "the rules' proposal, not checked" + ("" if tune is None else " or searched") + "."
        ]
    else:
        lines = [
            f"interrupted: the search stopped after {search.n_trials} of {tune.n_trials} "
            "finished trials; the range test is kept, and the recommendation is the rules' "
            "proposal, not confirmed by the search (recommendation.search.interrupted)."
        ]
        if tune.storage is None:
            lines.append(
                "the finished trials were in memory and are lost; pass --storage (e.g. "
                "sqlite:///lrtune-tune.db) to keep them and resume."
            )
    if saved is None:
        lines.append("the result was not saved (no --out); run again to resume.")
        return lines
    verb = "to resume" if tune is not None and tune.storage is not None else "to run it again"
    lines.append(f"{verb}: {_command(saved, rerun)}")
    if tune is not None and tune.storage and "***" in _storage_shown(tune.storage):
        lines.append("(fill in the storage password, masked above)")
    return lines


def _command(saved: str, rerun: Rerun) -> str:
    config = rerun.config
    words = ["lrtune", "recommend", saved]
    if rerun.model_py:
        words += ["--model", str(Path(rerun.model_py).resolve())]
    if config.epochs is not None:
        words += ["--epochs", str(config.epochs)]
    if config.max_steps is not None:
        words += ["--max-steps", str(config.max_steps)]
    if config.scheduler is not None:
        words += ["--scheduler", config.scheduler]
    words += ["--check", f"{config.check:g}"]
    tune: Any = config.tune
    if tune is not None:
        words += ["--tune", "--trials", str(tune.n_trials), "--budget", f"{tune.budget:g}"]
        if tune.storage is not None:
            words += ["--storage", _storage_shown(tune.storage)]
        words += ["--study-name", tune.study_name]
    if rerun.out is not None:
        words += ["--out", rerun.out]
    return shlex.join(words)


def _storage_shown(storage: str) -> str:
    from lrtune.recommend._storage import redact

    return redact(storage)


@contextmanager
def progress_bar(console: Any) -> Iterator[Callable[[str, int, int], None]]:
    """A rich progress bar per phase; yields ``progress(phase, done, total)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bars: dict[str, Any] = {}
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:

        def update(phase: str, done: int, total: int) -> None:
            if phase not in bars:
                bars[phase] = progress.add_task(phase, total=total)
            progress.update(bars[phase], completed=done, total=total)

        yield update
