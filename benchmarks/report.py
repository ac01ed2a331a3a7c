"""``python -m benchmarks run``: every method side by side with the oracle grid, in one process.

Writes ``docs/benchmarks.md`` (tables, with date, machine and versions) and
``docs/img/benchmarks.png`` (validation loss against peak LR per task).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import importlib.metadata
import json
import math
import os
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from benchmarks import gpu, grid, methods, suite
from lrtune.train import train

__all__ = ["MethodScore", "TaskReport", "evaluate_task", "run"]

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
IMG = ROOT / "docs" / "img" / "benchmarks.png"
SPREAD_SEEDS = (0, 1, 2)


@dataclass(frozen=True)
class MethodScore:
    """One method on one task, over the training seeds."""

    method: str
    lrs: tuple[float, ...]
    val_losses: tuple[float, ...]
    cost_steps: float
    seconds: float
    spread: float  # max/min of the proposed LR over the seeds and SPREAD_SEEDS
    note: str = ""

    @property
    def val(self) -> float:
        return float(np.mean(self.val_losses))

    @property
    def sem(self) -> float:
        """Standard error of :attr:`val` (nan with fewer than 2 seeds or a diverged run)."""
        return _sem(self.val_losses)

    @property
    def lr(self) -> float:
        """Geometric mean of the proposed LRs (nan if none)."""
        good = [x for x in self.lrs if x and math.isfinite(x) and x > 0]
        return float(np.exp(np.mean(np.log(good)))) if good else math.nan


@dataclass(frozen=True)
class TaskReport:
    bench: suite.BenchTask
    cells: tuple[grid.Cell, ...]
    scores: tuple[MethodScore, ...]
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    rescored: tuple[float, ...] = ()  # the best cell's val losses on grid.RESCORE_SEEDS

    @property
    def best(self) -> grid.Cell:
        return min(self.cells, key=lambda c: c.mean)

    @property
    def reference(self) -> float:
        """The grid best's val loss on fresh seeds (its selection value if not re-scored):
        what "ratio to grid best" divides by."""
        return float(np.mean(self.rescored)) if self.rescored else self.best.mean

    @property
    def grid_steps(self) -> int:
        return sum(len(c.val_losses) for c in self.cells) * self.bench.planned_steps

    def beats(self, score: MethodScore) -> float:
        """Fraction of grid configurations (seed-mean) whose val loss is above the method's."""
        return float(np.mean([c.mean > score.val for c in self.cells])) if self.cells else math.nan


def evaluate_task(
    bench: suite.BenchTask,
    *,
    seeds: Sequence[int],
    device: str = "cpu",
    method_names: Sequence[str] | None = None,
) -> TaskReport:
    """Run the registered methods (all by default) on ``bench``; score them against the grid."""
    scores, skipped = [], []
    chosen = [methods.get(n) for n in method_names] if method_names else methods.all_methods()
    for method in chosen:
        reason = method.unavailable(bench)
        if reason:
            skipped.append((method.name, reason))
            continue
        try:
            scores.append(_score(method, bench, seeds, device))
        except Exception as exc:  # a method's failure is a finding, not a crash
            skipped.append((method.name, f"failed: {type(exc).__name__}: {exc}"))
    cells = tuple(grid.results(bench.name))
    rescored = grid.rescore(bench.name, min(cells, key=lambda c: c.mean)) if cells else ()
    return TaskReport(bench, cells, tuple(scores), tuple(skipped), rescored)


def _score(
    method: methods.Method, bench: suite.BenchTask, seeds: Sequence[int], device: str
) -> MethodScore:
    lrs, losses, costs, seconds, notes = [], [], [], [], set()
    for seed in seeds:
        plan = methods_plan = method.suggest(bench, seed, device=device)
        if plan.note:
            notes.add(plan.note)
        if plan.lr is not None and not math.isfinite(plan.lr):
            losses.append(math.inf)
            notes.add("no LR suggested")
        else:
            result = train(
                bench.task,
                lr=None if plan.setup else plan.lr,
                make_scheduler=None if plan.setup else plan.make_scheduler,
                setup=plan.setup,
                steps_per=methods_plan.steps_per,
                seed=seed,
                device=device,
                model_factory=bench.model_factory,
            )
            losses.append(result.val_loss)
            seconds.append(result.seconds)
        lrs.append(plan.lr if plan.lr is not None else math.nan)
        costs.append(plan.cost_steps)
    bad = sum(not math.isfinite(v) for v in losses)
    if bad:
        notes.add(f"{bad}/{len(losses)} seeds diverged (val losses {_fmt_all(losses)})")
    spread_lrs = list(lrs)
    for seed in SPREAD_SEEDS:
        if seed not in seeds:
            spread_lrs.append(method.suggest(bench, seed, device=device).lr or math.nan)
    good = [x for x in spread_lrs if x and math.isfinite(x) and x > 0]
    spread = max(good) / min(good) if good else math.nan
    return MethodScore(
        method.name,
        tuple(lrs),
        tuple(losses),
        float(np.mean(costs)),
        float(np.mean(seconds)) if seconds else math.nan,
        spread,
        "; ".join(sorted(notes)),
    )


def run(
    *,
    tasks: Sequence[str],
    quick: bool = False,
    device: str = "cpu",
    processes: int = 2,
    method_names: Sequence[str] | None = None,
    threads: int = 1,
    speed: bool = True,
    doc: Path = DOC,
    img: Path = IMG,
) -> Path:
    """The whole benchmark: grid (unless ``quick``: cached only), methods, doc and plot.

    Torch runs with ``threads`` intra-op threads (restored after): the default, 1, matches
    the grid's workers and avoids the large slowdowns of oversubscribed cores (a 2-thread
    GRU run took 30-50x longer on a shared 2-core machine). Returns the report's path.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        return _run(tasks, quick, device, processes, method_names, speed, doc, img)
    finally:
        torch.set_num_threads(previous)


def _run(
    tasks: Sequence[str],
    quick: bool,
    device: str,
    processes: int,
    method_names: Sequence[str] | None,
    speed: bool,
    doc: Path,
    img: Path,
) -> Path:
    start = time.perf_counter()
    seeds = (0, 1) if quick else tuple(range(10))
    notes = []
    for name in tasks:
        gap = grid.missing(name)
        if gap and not quick:
            grid.compute([name], processes=processes)
        elif gap:
            notes.append(
                f"{name}: {gap} grid runs missing or stale (run `python -m benchmarks grid`)"
            )
    reports = []
    for name in tasks:
        print(f"benchmark: {name}", flush=True)
        reports.append(
            evaluate_task(suite.load(name), seeds=seeds, device=device, method_names=method_names)
        )
    speed_text = _speed_section(device=device, quick=quick) if speed else "_Not run (--no-speed)._"
    elapsed = time.perf_counter() - start
    img.parent.mkdir(parents=True, exist_ok=True)
    _plot(reports, img)
    doc.parent.mkdir(parents=True, exist_ok=True)
    text = _markdown(reports, seeds, device, quick, notes, speed_text, elapsed, img, doc)
    kept = gpu.section_of(doc.read_text()) if doc.exists() else None  # its own command's
    doc.write_text(gpu.with_section(text, kept) if kept else text)
    return doc


# --- rendering ---------------------------------------------------------------------------


def _fmt(x: float, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if math.isinf(x):
        return "diverged"
    return f"{x:.{digits}g}"


def _optimizer_text(bench: suite.BenchTask) -> str:
    probe = torch.nn.Parameter(torch.zeros(1))
    opt = bench.task.make_optimizer([probe], 1.0)
    base = type(opt)(  # the class defaults, to show only what differs
        [torch.nn.Parameter(torch.zeros(1))], lr=1.0
    ).defaults
    extra = [
        f"{k}={v}"
        for k, v in opt.defaults.items()
        if k not in ("lr",) and base.get(k) != v and not isinstance(v, (list, dict))
    ]
    return type(opt).__name__ + (f"({', '.join(extra)})" if extra else "")


def _versions() -> str:
    parts = [f"Python {platform.python_version()}", f"torch {torch.__version__}"]
    for dist in ("torch-lr-finder", "optuna", "numpy", "scikit-learn"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            parts.append(f"{dist} {importlib.metadata.version(dist)}")
    return ", ".join(parts)


def _machine(device: str) -> str:
    cpu = platform.processor() or platform.machine()
    text = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores ({cpu})"
    text += f", torch threads {torch.get_num_threads()}"
    if hasattr(os, "getloadavg"):
        text += f", load average {os.getloadavg()[0]:.1f} at the end"
    if device.startswith("cuda") and torch.cuda.is_available():
        text += f", {torch.cuda.get_device_name()}"
    return text


def _seconds_per_run(r: TaskReport) -> float:
    """Median wall time of one planned training run, over this run's method trainings."""
    secs = [s.seconds for s in r.scores if math.isfinite(s.seconds)]
    return float(np.median(secs)) if secs else math.nan


def _markdown(
    reports: list[TaskReport],
    seeds: Sequence[int],
    device: str,
    quick: bool,
    notes: list[str],
    speed: str,
    elapsed: float,
    img: Path,
    doc: Path,
) -> str:
    cmd = "python -m benchmarks run" + (" --quick" if quick else "")
    if device != "cpu":
        cmd += f" --device {device}"
    lines = [
        "# Benchmarks: lrtune, its peers and an oracle grid",
        "",
        f"Generated by `{cmd}` on {dt.datetime.now().isoformat(timespec='minutes')} "
        f"in {elapsed:.0f} s. Machine: {_machine(device)}; methods ran on `{device}`. "
        f"Versions: {_versions()}.",
        "",
        "Every method is trained by the same harness (`lrtune.train.train`) for the task's "
        "planned budget and scored by the final validation loss (mean over training seeds "
        f"{', '.join(map(str, seeds))}). The **oracle grid** trains every peak LR × "
        "{constant, cosine to 0, 5% linear warmup + cosine, one-cycle (torch defaults)} × "
        f"seeds {', '.join(map(str, grid.SEEDS))} on an iteration basis "
        "(`benchmarks/grid_cache.json`); *grid best* is the configuration with the lowest "
        "seed-mean val loss. The minimum of many noisy cells is biased low (a lucky cell "
        "wins), so the grid best is **re-scored on fresh seeds** "
        f"({', '.join(map(str, grid.RESCORE_SEEDS))}): *ratio to grid best* divides by that "
        "value (both values are shown). *± s.e.* after a val loss is the standard error of "
        "its mean over the seeds: single runs differ by up to 3× on some tasks, so compare "
        "ratios with it in mind. *Beats* is the fraction of grid "
        "configurations whose seed-mean val loss is higher than the method's. *Cost* is the "
        "optimizer steps spent searching, also as a fraction of the planned training and of "
        "the whole grid (lrtune's includes the 8 forward-backward passes of its dataset "
        "statistics, the horizon check's steps when it ran and, with `--tune`, every "
        "trial's steps and the confirmation race's). *Spread* is max/min of the proposed "
        "LR over the training seeds (at least seeds 0, 1, 2). Each "
        "method's model is fresh and seeded; its search uses the same seed.",
        "",
        "## Tasks",
        "",
        "| task | model | optimizer | params | train samples | batch | steps/epoch | epochs "
        "| planned steps | s/run |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in reports:
        t = r.bench.task
        n_params = sum(p.numel() for p in t.model.parameters())
        summary = (r.bench.module.__doc__ or "").strip().split("\n")[0].rstrip(".")
        summary = summary.replace("``", "`")
        lines.append(
            f"| {r.bench.name} | {summary} | {_optimizer_text(r.bench)} | {n_params:,} "
            f"| {t.n_samples} | {t.batch_size} | {t.steps_per_epoch} | {t.epochs} "
            f"| {r.bench.planned_steps} | {_fmt(_seconds_per_run(r), 2)} |"
        )
    lines += ["", f"![val loss vs peak LR]({os.path.relpath(img, doc.parent)})", ""]
    for r in reports:
        lines += _task_section(r)
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    lines += ["## Range-test speed", "", speed, ""]
    return "\n".join(lines)


def _task_section(r: TaskReport) -> list[str]:
    name = r.bench.name
    lines = [f"## {name}", ""]
    crit = getattr(r.bench.module, "CRITICAL_LR", None)
    best = r.best if r.cells else None
    if best is None:
        lines.append(f"No grid results yet: run `python -m benchmarks grid --task {name}`.")
    else:
        lines.append(
            f"Grid best: **{best.shape}** at peak LR **{_fmt(best.lr)}**, val loss "
            f"**{_fmt(best.mean, 4)}** on the grid's seeds, **{_fmt(r.reference, 4)}** "
            f"re-scored on fresh seeds ({_fmt_all(r.rescored)}) ({len(r.cells)} "
            f"configurations, {r.grid_steps:,} optimizer steps)."
        )
        per_shape = []
        for shape in dict.fromkeys(c.shape for c in r.cells):
            cell = min((c for c in r.cells if c.shape == shape), key=lambda c: c.mean)
            per_shape.append(f"{shape} {_fmt(cell.mean, 4)} @ {_fmt(cell.lr)}")
        lines.append("Best per shape: " + "; ".join(per_shape) + ".")
    if crit:
        lines.append(
            f"Analytic limit: full-batch gradient descent diverges above 2/λ_max = "
            f"**{_fmt(crit, 4)}** (λ_max of the Hessian, `hessian_max_eigenvalue()`); the "
            "LR column also shows LR/(2/λ_max)."
        )
    lines += [
        "",
        "| method | LR | val loss | ratio to grid best | beats | cost (steps) "
        "| cost / planned | cost / grid | spread |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    planned = r.bench.planned_steps
    if best is not None:
        lines.append(
            f"| grid oracle ({best.shape}), re-scored | {_fmt(best.lr)}{_crit(best.lr, crit)} "
            f"| {_fmt(r.reference, 4)}{_pm(_sem(r.rescored))} | 1 | – | {r.grid_steps:,} "
            f"| {r.grid_steps / planned:.0f} | 1 | – |"
        )
    for s in r.scores:
        ratio = _fmt(s.val / r.reference) if best is not None else "–"
        beats = f"{r.beats(s):.0%}" if best is not None else "–"
        of_grid = f"{s.cost_steps / r.grid_steps:.4f}" if best is not None else "–"
        lines.append(
            f"| {s.method} | {_fmt(s.lr)}{_crit(s.lr, crit)} | {_fmt(s.val, 4)}{_pm(s.sem)} "
            f"| {ratio} "
            f"| {beats} | {s.cost_steps:.0f} | {s.cost_steps / planned:.2f} | {of_grid} "
            f"| {_fmt(s.spread)} |"
        )
    lines.append("")
    notes = [f"{s.method}: {s.note}" for s in r.scores if s.note]
    notes += [f"{m}: skipped: {why}" for m, why in r.skipped]
    if notes:
        lines += [f"- {n}" for n in notes] + [""]
    return lines


def _sem(values: Sequence[float]) -> float:
    """Standard error of the mean (nan with fewer than 2 values or any that is not finite)."""
    if len(values) < 2 or not all(math.isfinite(v) for v in values):
        return math.nan
    return float(np.std(values, ddof=1) / math.sqrt(len(values)))


def _pm(sem: float) -> str:
    return f" ± {_fmt(sem, 2)}" if math.isfinite(sem) else ""


def _fmt_all(values: Sequence[float]) -> str:
    return ", ".join(_fmt(v, 4) for v in values)


def _crit(lr: float, crit: float | None) -> str:
    return f" ({lr / crit:.2f}×)" if crit and math.isfinite(lr) else ""


def _speed_section(*, device: str, quick: bool) -> str:
    """The range-test speed figure from ``benchmarks/speed.py``, when it exists.

    Expected contract: ``speed.run(*, device: str, quick: bool) -> str`` (Markdown).
    """
    try:
        speed = importlib.import_module("benchmarks.speed")
    except ModuleNotFoundError as exc:
        if exc.name != "benchmarks.speed":
            raise
        return (
            "_Not measured yet: `benchmarks/speed.py` (range-test steps/s against a bare "
            "training loop) is not written._"
        )
    try:
        out = speed.run(device=device, quick=quick)
    except Exception as exc:
        return f"_`benchmarks.speed.run` failed: {type(exc).__name__}: {exc}_"
    return (
        out if isinstance(out, str) else "```\n" + json.dumps(out, indent=1, default=str) + "\n```"
    )


def _plot(reports: list[TaskReport], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(reports)
    cols = min(n, 2)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(6 * cols, 4.2 * rows), squeeze=False)
    markers = "os^vDP*X"
    for ax, r in zip(axes.flat, reports):
        for shape in dict.fromkeys(c.shape for c in r.cells):
            cells = [c for c in r.cells if c.shape == shape and math.isfinite(c.mean)]
            ax.plot([c.lr for c in cells], [c.mean for c in cells], "-", lw=1.2, label=shape)
        for i, s in enumerate(r.scores):
            if math.isfinite(s.lr) and math.isfinite(s.val):
                ax.plot(
                    s.lr,
                    s.val,
                    markers[i % len(markers)],
                    ms=8,
                    mfc="none",
                    mew=1.6,
                    label=s.method,
                )
        crit = getattr(r.bench.module, "CRITICAL_LR", None)
        if crit:
            ax.axvline(crit, color="k", ls=":", lw=1, label="2/λ_max")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(r.bench.name)
        ax.set_xlabel("peak LR")
        ax.set_ylabel("final val loss")
        ax.grid(alpha=0.3, which="both")
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)
