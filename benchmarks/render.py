"""The benchmark's Markdown: the summary table, the held-out and per-family views, and one
section per task."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import torch

from benchmarks import zoo
from benchmarks.evaluate import MethodScore, TaskReport, fresh_mean, sem

__all__ = [
    "fmt",
    "family_view",
    "fit_view",
    "range_test_view",
    "ratio_cell",
    "sem",
    "split_view",
    "summary",
    "task_row",
    "task_section",
]

TARGET_RATIO, TARGET_BEATS = 1.10, 0.90
#: The range test's cost target, as a share of the planned run, on runs of ``LONG_RUN`` or more.
TARGET_RANGE_TEST, LONG_RUN = 0.15, 1000


def fmt(x: float | None, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if math.isinf(x):
        return "diverged"
    return f"{x:.{digits}g}"


def _pm(value: float) -> str:
    return f" ± {fmt(value, 2)}" if math.isfinite(value) else ""


def ratio_cell(r: TaskReport, s: MethodScore) -> str:
    """``ratio · beats · worst-find-seed ratio`` with † diverged and ‡ stalled runs."""
    if not r.cells:
        return "–"
    worst = s.worst.val / r.reference
    text = f"{fmt(s.val / r.reference)} · {r.beats(s.val):.0%}"
    if len(s.finds) > 1:
        text += f" · w {fmt(worst)}"
    return text + r.marks(s.val_losses)


def _methods(reports: Sequence[TaskReport]) -> list[str]:
    return list(dict.fromkeys(s.method for r in reports for s in r.scores))


def summary(reports: Sequence[TaskReport]) -> list[str]:
    """Task × method: ratio to the re-scored grid best, share of the grid beaten, worst
    find seed; the held-out tasks marked."""
    names = _methods(reports)
    lines = [
        "| task | family | " + " | ".join(names) + " |",
        "|---|---|" + "---:|" * len(names),
    ]
    for r in sorted(reports, key=lambda r: (zoo.held_out(r.bench.name), r.bench.name)):
        name = r.bench.name + (" (held out)" if zoo.held_out(r.bench.name) else "")
        cells = [ratio_cell(r, s) if (s := r.score(m)) else "n/a" for m in names]
        lines.append(f"| {name} | {zoo.family(r.bench.name)} | " + " | ".join(cells) + " |")
    return lines


def _meets(r: TaskReport, s: MethodScore) -> bool:
    worst = s.worst.val
    return (
        worst / r.reference <= TARGET_RATIO
        and r.beats(worst) >= TARGET_BEATS
        and not r.marks(s.val_losses)
    )


def split_view(reports: Sequence[TaskReport]) -> list[str]:
    """Per method and half: median and worst ratio (by each task's worst find seed), tasks
    meeting the bar, diverged or stalled runs."""
    lines = [
        "| method | half | tasks | median ratio | worst ratio | meets ≤ 1.10 and ≥ 90% "
        "| tasks with a diverged/stalled run |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for method in _methods(reports):
        for half, held in (("held out", True), ("design", False)):
            pairs = [
                (r, s)
                for r in reports
                if zoo.held_out(r.bench.name) == held and r.cells
                if (s := r.score(method))
            ]
            if not pairs:
                continue
            ratios = [s.worst.val / r.reference for r, s in pairs]
            lines.append(
                f"| {method} | {half} | {len(pairs)} | {fmt(statistics.median(ratios))} "
                f"| {fmt(max(ratios))} | {sum(_meets(r, s) for r, s in pairs)} "
                f"| {sum(bool(r.marks(s.val_losses)) for r, s in pairs)} |"
            )
    return lines


def family_view(reports: Sequence[TaskReport]) -> list[str]:
    """Family × method: the median over the family's tasks of the mean ratio."""
    names = _methods(reports)
    families = sorted({zoo.family(r.bench.name) for r in reports})
    lines = ["| family | tasks | " + " | ".join(names) + " |", "|---|---:|" + "---:|" * len(names)]
    for family in families:
        members = [r for r in reports if zoo.family(r.bench.name) == family and r.cells]
        cells = []
        for method in names:
            ratios = [s.val / r.reference for r in members if (s := r.score(method))]
            cells.append(fmt(statistics.median(ratios)) if ratios else "n/a")
        lines.append(f"| {family} | {len(members)} | " + " | ".join(cells) + " |")
    return lines


#: The tasks lrtune's rules (their constants: diverge_lr/2.5, min-loss LR/4, ...) were fitted
#: on, before the zoo existed.
FITTED_ON = ("charlm_gru", "diabetes_mlp", "digits_cnn", "least_squares")


def fit_view(reports: Sequence[TaskReport], method: str = "lrtune") -> list[str]:
    """Per family: which of its tasks the rules were fitted on, and ``method``'s ratio on the
    family's other tasks (a leave-out figure; the transformer family was left out entirely)."""
    lines = [
        "| family | fitted on | other tasks | median ratio there | worst find seed there |",
        "|---|---|---:|---:|---:|",
    ]
    for family in sorted({zoo.family(r.bench.name) for r in reports}):
        members = [r for r in reports if zoo.family(r.bench.name) == family and r.cells]
        fitted = [r.bench.name for r in members if r.bench.name in FITTED_ON]
        scored = [
            (r, s) for r in members if r.bench.name not in FITTED_ON if (s := r.score(method))
        ]
        ratios = [s.val / r.reference for r, s in scored]
        worst = [s.worst.val / r.reference for r, s in scored]
        lines.append(
            f"| {family} | {', '.join(fitted) or 'none (left out)'} | {len(scored)} "
            f"| {fmt(statistics.median(ratios)) if ratios else '–'} "
            f"| {fmt(max(worst)) if worst else '–'} |"
        )
    return lines


def range_test_view(reports: Sequence[TaskReport], method: str = "lrtune") -> list[str]:
    """The range test's own cost (sweeps, a zoom, the statistics batches) per find seed, as a
    share of the planned run, on the tasks of at least ``LONG_RUN`` planned steps."""
    lines = [
        "| task | planned steps | range-test steps per find seed | share of the run, worst "
        f"| ≤ {TARGET_RANGE_TEST} |",
        "|---|---:|---:|---:|---|",
    ]
    met = counted = 0
    for r in sorted(reports, key=lambda r: r.bench.name):
        planned = r.bench.planned_steps
        if planned < LONG_RUN or (s := r.score(method)) is None:
            continue
        steps = [f.range_test_steps for f in s.finds]
        if any(n is None for n in steps):
            lines.append(f"| {r.bench.name} | {planned:,} | – | – | – |")
            continue
        worst = max(steps) / planned
        counted += 1
        met += worst <= TARGET_RANGE_TEST
        lines.append(
            f"| {r.bench.name} | {planned:,} | {', '.join(f'{n:.0f}' for n in steps)} "
            f"| {worst:.2f} | {'yes' if worst <= TARGET_RANGE_TEST else 'no'} |"
        )
    lines.append(f"| **{met} of {counted} meet it** | | | | |")
    return lines


def _optimizer_text(r: TaskReport) -> str:
    probe = torch.nn.Parameter(torch.zeros(1))
    opt = r.bench.task.make_optimizer([probe], 1.0)
    base = type(opt)([torch.nn.Parameter(torch.zeros(1))], lr=1.0).defaults
    extra = [
        f"{k}={v}"
        for k, v in opt.defaults.items()
        if k != "lr" and base.get(k) != v and not isinstance(v, (list, dict))
    ]
    return type(opt).__name__ + (f"({', '.join(extra)})" if extra else "")


def _or(value: object, missing: str) -> str:
    """``value`` as text, ``missing`` for ``None`` (a stream has no size, a run given in
    ``max_steps`` no epochs)."""
    return missing if value is None else str(value)


def task_row(r: TaskReport) -> str:
    t = r.bench.task
    n_params = sum(p.numel() for p in t.model.parameters())
    summary_line = (r.bench.module.__doc__ or "").strip().split("\n")[0].rstrip(".")
    secs = [s.seconds for s in r.scores if math.isfinite(s.seconds)]
    held = "yes" if zoo.held_out(r.bench.name) else ""
    return (
        f"| {r.bench.name} | {zoo.family(r.bench.name)} | {held} "
        f"| {summary_line.replace('``', '`')} | {_optimizer_text(r)} | {n_params:,} "
        f"| {_or(t.n_samples, 'stream')} | {t.batch_size} | {_or(t.steps_per_epoch, '–')} "
        f"| {_or(t.epochs, '– (max_steps)')} "
        f"| {r.bench.planned_steps} | {fmt(statistics.median(secs), 2) if secs else '–'} |"
    )


def _fresh(values: Sequence[float]) -> str:
    mean = fresh_mean(values)
    return fmt(mean, 4) if math.isfinite(mean) else "diverged"


def task_section(r: TaskReport) -> list[str]:
    name = r.bench.name
    lines = [f"## {name}", ""]
    crit = getattr(r.bench.module, "CRITICAL_LR", None)
    if not r.cells:
        return lines + [f"No grid results yet: run `python -m benchmarks grid --task {name}`.", ""]
    best = r.best
    inside = "inside the grid" if r.best_inside else "**at the edge of the grid: widen it**"
    ref = r.reference_cell
    fresh = ", ".join(fmt(v, 4) for v in r.rescored)
    others = "; ".join(f"{c.shape} at {fmt(c.lr)} {_fresh(v)}" for c, v in r.rescores if c != ref)
    top = f" (of the top {len(r.rescores)} re-scored, the lowest; the others: {others})"
    lines.append(
        f"Grid best: **{best.shape}** at peak LR **{fmt(best.lr)}** ({inside}), val loss "
        f"**{fmt(best.mean, 4)}** on the grid's seeds. Reference: **{ref.shape}** at "
        f"**{fmt(ref.lr)}**, **{fmt(r.reference, 4)}** re-scored on fresh seeds ({fresh})"
        f"{top if others else ''}; {len(r.cells)} configurations, {r.grid_steps:,} optimizer "
        f"steps. Untrained: {fmt(r.initial, 4)}; best constant output: {fmt(r.trivial, 4)}."
    )
    per_shape = []
    for shape in dict.fromkeys(c.shape for c in r.cells):
        cell = min((c for c in r.cells if c.shape == shape), key=lambda c: c.mean)
        per_shape.append(f"{shape} {fmt(cell.mean, 4)} @ {fmt(cell.lr)}")
    lines.append("Best per shape: " + "; ".join(per_shape) + ".")
    if crit:
        lines.append(
            f"Analytic limit: full-batch gradient descent diverges above 2/λ_max = "
            f"**{fmt(crit, 4)}**."
        )
    lines += [
        "",
        "| method | peak LR | spread | val loss | ratio | worst find seed | beats "
        "| cost (steps) | cost / planned |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    planned = r.bench.planned_steps
    for s in r.scores:
        lines.append(
            f"| {s.method} | {fmt(s.lr)} | {fmt(s.spread)} | {fmt(s.val, 4)}{_pm(s.sem)} "
            f"| {fmt(s.val / r.reference)}{r.marks(s.val_losses)} "
            f"| {fmt(s.worst.val / r.reference)} | {r.beats(s.val):.0%} | {s.cost_steps:.0f} "
            f"| {s.cost_steps / planned:.2f} |"
        )
    lines.append("")
    notes = [f"{s.method}: {s.note}" for s in r.scores if s.note]
    notes += [f"{m}: skipped: {why}" for m, why in r.skipped]
    return lines + [f"- {n}" for n in notes] + ([""] if notes else [])
