"""``python -m benchmarks run``: every method side by side with the oracle grid.

Writes ``docs/benchmarks.md`` (the summary, the held-out and per-family views, one section
per task, with date, machine and versions) and ``docs/img/benchmarks.png``. The methods'
runs are cached per task in ``benchmarks/results/`` (see :mod:`benchmarks.evaluate`), so a
rerun computes only what changed; tasks run in parallel processes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import importlib.metadata
import json
import multiprocessing
import os
import platform
import time
from collections.abc import Sequence
from pathlib import Path

import torch

from benchmarks import evaluate, gpu, grid, render, render_peers, suite, zoo
from benchmarks.evaluate import TaskReport, evaluate_task
from benchmarks.machine import fingerprint
from benchmarks.plot import plot

__all__ = ["TaskReport", "evaluate_task", "run"]

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
IMG = ROOT / "docs" / "img" / "benchmarks.png"
PROSE = Path(__file__).resolve().parent / "prose"
PEERS = ("torch-lr-finder", "lightning", "fastai", "schedulefree", "prodigyopt", "dadaptation")


def _seeds(quick: bool) -> dict[str, tuple[int, ...]]:
    """Find seeds, training seeds and re-score seeds: quick trains each plan once."""
    if quick:
        return {
            "find_seeds": evaluate.FIND_SEEDS,
            "train_seeds": (0,),
            "rescore_seeds": grid.RESCORE_SEEDS[:3],
        }
    return {
        "find_seeds": evaluate.FIND_SEEDS,
        "train_seeds": evaluate.TRAIN_SEEDS,
        "rescore_seeds": grid.RESCORE_SEEDS,
    }


def _evaluate_one(job: tuple[str, bool, str, Sequence[str] | None, Path, int]) -> str:
    """A worker: fill one task's run cache (the report is built from it afterwards)."""
    name, quick, device, method_names, results_dir, threads = job
    torch.set_num_threads(threads)
    start = time.perf_counter()
    evaluate_task(
        suite.load(name),
        device=device,
        method_names=method_names,
        results_dir=results_dir,
        **_seeds(quick),
    )
    return f"benchmark: {name} done in {time.perf_counter() - start:.0f} s"


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
    results_dir: Path = evaluate.RESULTS_DIR,
) -> Path:
    """The whole benchmark: grid (unless ``quick``: cached only), methods, doc and plot.

    Torch runs with ``threads`` intra-op threads per process (1 by default: a 2-thread GRU
    run took 30-50x longer on a shared 2-core machine). Returns the report's path.
    """
    start = time.perf_counter()
    notes = []
    for name in tasks:
        gap = grid.missing(name)
        if gap and not quick:
            grid.compute([name], processes=processes)
        elif gap:
            notes.append(f"{name}: {gap} grid runs missing or stale (`python -m benchmarks grid`)")
    jobs = [(name, quick, device, method_names, results_dir, threads) for name in tasks]
    if processes > 1 and len(jobs) > 1:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            for line in pool.imap_unordered(_evaluate_one, jobs):
                print(line, flush=True)
    previous = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:  # from the cache when the workers filled it; in this process otherwise
        reports = [
            evaluate_task(
                suite.load(name),
                device=device,
                method_names=method_names,
                results_dir=results_dir,
                **_seeds(quick),
            )
            for name in tasks
        ]
    finally:
        torch.set_num_threads(previous)
    if speed:
        speed_text = _speed_section(device=device, quick=quick)
    else:  # keep the figure the last full run measured, as the GPU section is kept
        speed_text = _kept_speed(doc) or "_Not run (--no-speed)._"
    img.parent.mkdir(parents=True, exist_ok=True)
    plot(reports, img)
    doc.parent.mkdir(parents=True, exist_ok=True)
    elapsed = time.perf_counter() - start
    text = _markdown(reports, quick, device, threads, notes, speed_text, elapsed, img, doc)
    kept = gpu.section_of(doc.read_text()) if doc.exists() else None  # its own command's
    doc.write_text(gpu.with_section(text, kept) if kept else text)
    return doc


def _markdown(
    reports: list[TaskReport],
    quick: bool,
    device: str,
    threads: int,
    notes: list[str],
    speed: str,
    elapsed: float,
    img: Path,
    doc: Path,
) -> str:
    seeds = _seeds(quick)
    cmd = "python -m benchmarks run" + (" --quick" if quick else "")
    cmd += f" --device {device}" if device != "cpu" else ""

    def batch(names: frozenset[str], empty: str = "none") -> str:
        """This run's tasks of one held-out batch, comma-separated (``empty`` if none)."""
        return ", ".join(sorted(r.bench.name for r in reports if r.bench.name in names)) or empty

    held_out = {
        name: batch(value, empty="" if name == "HELD_OUT_FIRST" else "none")
        for name, value in vars(zoo).items()
        if name.startswith("HELD_OUT_") and isinstance(value, frozenset)
    }
    held_out["HELD_OUT_SINCE"] = zoo.HELD_OUT_SINCE

    lines = [
        "# Benchmarks: lrtune, its peers and an oracle grid",
        "",
        f"Generated by `{cmd}` on {dt.datetime.now().isoformat(timespec='minutes')} in "
        f"{elapsed:.0f} s (cached runs reused). Machine: {_machine(device, threads)}; "
        f"methods ran on `{device}`. Versions: {_versions()}.",
        "",
        "Each cell: **ratio** of the method's mean final validation loss to the grid best "
        "re-scored on fresh seeds · the share of the grid's configurations it **beats** · "
        "**w**: the ratio of its worst find seed. † k: k runs diverged; ‡ k: k runs stalled "
        "(kept less than a tenth of the grid best's improvement over the untrained model, or "
        "over the best constant output where that is lower: a run that learnt only the "
        "targets' mean has stalled too; `benchmarks/trivial.py`). "
        f"Searching methods ran with find seeds {_list(seeds['find_seeds'])} (each seeds the "
        "model's initialisation and the data order of its search); every plan trained on "
        f"training seeds {_list(seeds['train_seeds'])}. The **oracle grid** trains 13 or "
        "more peak LRs × {constant, cosine to 0, 5% warmup + cosine, one-cycle, "
        "warmup–stable–(1−sqrt) decay} on the iteration basis, on 3 seeds (10 on the first "
        "four tasks); its best configuration is re-scored on seeds "
        f"{_list(seeds['rescore_seeds'])} (one that diverges on any of them sits at a "
        "cliff's edge and is passed over for the next best).",
        "",
        _prose("held_out").format_map(held_out),
        "",
        _prose("history"),
        "",
        "## Summary",
        "",
        *render.summary(reports),
        "",
        "## By half (each task judged by its worst find seed)",
        "",
        *render.split_view(reports),
        "",
        "## Against the peers (mean ratios)",
        "",
        *render_peers.peers_view(reports),
        "",
        "## By family (median of the mean ratios)",
        "",
        *render.family_view(reports),
        "",
        "## Leave-one-family-out",
        "",
        "lrtune's rules have fitted constants (e.g. the peak at `diverge_lr / 2.5` for SGD, "
        "`floor LR` for Adam), chosen on four tasks before the zoo existed, one per "
        "family except the transformers. Per family, lrtune's result on the tasks its rules "
        "were not fitted on (for the transformers, rules designed without the family):",
        "",
        *render.fit_view(reports),
        "",
        "## Range-test cost",
        "",
        "The range test alone (its sweeps, a zoom where it ran, and the batches the dataset "
        "statistics read), before any race, probe, check or search, as a share of the planned "
        f"run; the target is at most {render.TARGET_RANGE_TEST} on runs of "
        f"{render.LONG_RUN:,} steps or more (lrtune's rules; `--tune` runs the same range "
        "test). The cost columns of each task's table count everything.",
        "",
        *render.range_test_view(reports),
        "",
        f"![val loss vs peak LR]({os.path.relpath(img, doc.parent)})",
        "",
        "## Tasks",
        "",
        "| task | family | held out | model | optimizer | params | train samples | batch "
        "| steps/epoch | epochs | planned steps | s/run |",
        "|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
        *[render.task_row(r) for r in reports],
        "",
    ]
    for r in reports:
        lines += render.task_section(r)
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    lines += ["## Range-test speed", "", speed, ""]
    return "\n".join(lines)


def _prose(name: str) -> str:
    """One paragraph of the report's prose, kept wrapped in ``benchmarks/prose/NAME.md`` (the
    held-out batches, with ``{HELD_OUT_...}`` fields for their tasks; the history of changes,
    to which each change adds its sentences): its lines joined by single spaces."""
    return " ".join((PROSE / f"{name}.md").read_text(encoding="utf-8").split())


def _list(values: Sequence[int]) -> str:
    return ", ".join(map(str, values))


def _versions() -> str:
    parts = [f"Python {platform.python_version()}", f"torch {torch.__version__}"]
    for dist in (*PEERS, "optuna", "numpy", "scikit-learn"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            parts.append(f"{dist} {importlib.metadata.version(dist)}")
    return ", ".join(parts)


def _machine(device: str, threads: int) -> str:
    cpu = platform.processor() or platform.machine()
    text = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores ({cpu})"
    text += f", {threads} torch thread(s) per process"
    text += f", arithmetic fingerprint {fingerprint()} (lrtune's runs are keyed by it)"
    if hasattr(os, "getloadavg"):
        text += f", load average {os.getloadavg()[0]:.1f} at the end"
    if device.startswith("cuda") and torch.cuda.is_available():
        text += f", {torch.cuda.get_device_name()}"
    return text


def _kept_speed(doc: Path) -> str | None:
    """The body of ``doc``'s "Range-test speed" section, if it has a measured one."""
    text = doc.read_text() if doc.is_file() else ""
    head = "## Range-test speed\n\n"
    start = text.find(head)
    if start < 0:
        return None
    body = text[start + len(head) :]
    ends = [i for i in (body.find("\n## "), body.find(gpu.BEGIN)) if i >= 0]
    body = body[: min(ends)] if ends else body
    body = body.strip()
    return body if body and not body.startswith("_Not run") else None


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
