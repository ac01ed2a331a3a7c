"""``python -m benchmarks compare BASE.md [NEW.md]``: lrtune's figures in two renders, side by side.

A rule change is judged against a criterion fixed before its run (docs/suggestion.md); this
reads the figures that criterion names from two renders of docs/benchmarks.md, over the
tasks both hold, so that nothing is copied by hand:

1. the geometric mean of lrtune's worst find seeds;
2. the count of tasks whose peak-LR spread over the find seeds is at most 1.5;
3. the tasks given with ``--fresh``: which got more than 5% worse or gained a stalled run;
4. the tasks that gained a stalled or diverged run;
5. where ``lrtune --tune``'s worst find seed is more than 5% worse than the rules'.

Example:
    git show HEAD~3:docs/benchmarks.md > /tmp/base.md
    python -m benchmarks compare /tmp/base.md docs/benchmarks.md --fresh biclust_factor_adagrad
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

RULES, TUNE = "lrtune", "lrtune --tune"
SPREAD_BAR = 1.5
WORSE = 1.05


@dataclass(frozen=True)
class Row:
    """One method's row of a task's table in docs/benchmarks.md."""

    peak: float
    spread: float
    worst: float
    failed_runs: int  # diverged (†) plus stalled (‡)


def _number(cell: str) -> float:
    cell = cell.strip().split(" ")[0]
    return math.inf if cell == "diverged" else float(cell) if cell not in ("–", "") else math.nan


def parse(text: str) -> dict[str, dict[str, Row]]:
    """``{task: {method: Row}}`` for lrtune's rows of every task section of ``text``."""
    tasks: dict[str, dict[str, Row]] = {}
    heading, name = "", None  # name: the task whose method table the lines are in
    for line in text.splitlines():
        if line.startswith("## "):
            name = None
            heading = line[3:].strip()
        elif line.startswith("| method | peak LR |"):
            name = heading
        elif name and line.startswith(f"| {RULES}"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if cells[0] not in (RULES, TUNE):
                continue
            marks = sum(int(k) for k in re.findall(r"[†‡](\d+)", cells[4]))
            row = Row(_number(cells[1]), _number(cells[2]), _number(cells[5]), marks)
            tasks.setdefault(name, {})[cells[0]] = row
    return tasks


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else math.nan


def summary(base: dict[str, dict[str, Row]], new: dict[str, dict[str, Row]]) -> dict[str, object]:
    """The criterion's figures for ``base`` and ``new`` over the tasks both have rules rows for."""
    common = sorted(t for t in base if t in new and RULES in base[t] and RULES in new[t])
    out: dict[str, object] = {"tasks": len(common)}
    for label, rows in (("base", base), ("new", new)):
        rules = [rows[t][RULES] for t in common]
        tune = [rows[t][TUNE] for t in common if TUNE in rows[t]]
        out[label] = {
            "geomean": _geomean([r.worst for r in rules]),
            "tune_geomean": _geomean([r.worst for r in tune]),
            "spread_ok": sum(r.spread <= SPREAD_BAR for r in rules),
            "failed_tasks": sum(r.failed_runs > 0 for r in rules),
            "tune_worse": [
                t
                for t in common
                if TUNE in rows[t] and rows[t][TUNE].worst > WORSE * rows[t][RULES].worst
            ],
        }
    out["gained_failures"] = [
        t for t in common if new[t][RULES].failed_runs > base[t][RULES].failed_runs
    ]
    out["moved"] = [
        (t, base[t][RULES].worst, new[t][RULES].worst)
        for t in common
        if not math.isclose(base[t][RULES].worst, new[t][RULES].worst, rel_tol=1e-9)
    ]
    return out


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks compare", description=__doc__)
    parser.add_argument("base", type=Path, help="a render of docs/benchmarks.md to compare with")
    parser.add_argument("new", type=Path, nargs="?", default=Path("docs/benchmarks.md"))
    parser.add_argument("--fresh", nargs="*", default=[], help="tasks first measured in this run")
    args = parser.parse_args(argv)
    try:
        base, new = parse(args.base.read_text()), parse(args.new.read_text())
    except (OSError, ValueError) as exc:
        parser.error(f"cannot read a render: {exc}")
    figures = summary(base, new)
    b, n = figures["base"], figures["new"]
    print(f"tasks in both: {figures['tasks']}")
    print(f"1. geomean of worst find seeds: {b['geomean']:.4g} -> {n['geomean']:.4g}")
    print(f"2. tasks with spread <= {SPREAD_BAR}: {b['spread_ok']} -> {n['spread_ok']}")
    for task in args.fresh:
        if task in base and task in new:
            old_row, new_row = base[task][RULES], new[task][RULES]
            worse = new_row.worst > WORSE * old_row.worst
            verdict = "WORSE" if worse or new_row.failed_runs > old_row.failed_runs else "ok"
            print(f"3. fresh {task}: {old_row.worst:.4g} -> {new_row.worst:.4g} ({verdict})")
    print(f"4. tasks that gained a stalled/diverged run: {figures['gained_failures'] or 'none'}")
    print(f"   tasks with one: {b['failed_tasks']} -> {n['failed_tasks']}")
    print(f"5. --tune > 5% worse than the rules: {n['tune_worse'] or 'none'}")
    print(f"   --tune geomean: {b['tune_geomean']:.4g} -> {n['tune_geomean']:.4g}")
    for task, old, now in figures["moved"]:
        print(f"   moved: {task} {old:.4g} -> {now:.4g}")
    return 0
