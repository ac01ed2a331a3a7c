"""``python -m benchmarks proposals``: lrtune's find on every zoo task, without the training.

A rule change moves the benchmark's rows only on the find seeds whose ``find`` it changes.
Training every plan again costs about 40 minutes of the zoo's 2 hours; ``find`` alone about a
tenth. So a candidate is judged by construction: record every find seed's result under the
code before the change and under the candidate, list the tasks whose result differs (the
whole result.json, timings aside, not only the peak), run those again, and carry the rest
over with ``rekey``. Records are saved after every find, so a cut-off scan resumes.

Examples:
    python -m benchmarks proposals record /tmp/base.json            # every task, find seeds 0-2
    python -m benchmarks proposals record /tmp/cand.json --tasks digits_cnn logreg_sgd
    python -m benchmarks proposals diff /tmp/base.json /tmp/cand.json   # the tasks that moved
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import evaluate, suite


def _find_one(job: tuple[str, int]) -> tuple[str, dict[str, Any]]:
    """One find seed's result, reduced to what decides its rows, and its readings."""
    import torch

    from lrtune.api import FindConfig, find

    name, seed = job
    torch.set_num_threads(1)
    start = time.perf_counter()
    result = find(suite.load(name).find_task(seed), config=FindConfig.create(seed=seed))
    data = result.to_dict()
    for run in data.get("range_test", ()):
        run.pop("seconds", None)  # the only timing in result.json
    rec, reading = result.recommendation, result.analysis
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return f"{name}/{seed}", {
        "sha": digest[:16],
        "lr": float(rec.initial_lr) if rec is not None else float(reading.suggested_lr),
        "scheduler": rec.scheduler if rec is not None else None,
        "diverge_lr": reading.diverge_lr,
        "floor_lr": reading.floor_lr,
        "suggested_lr": reading.suggested_lr,
        "seconds": round(time.perf_counter() - start, 1),
    }


def record(
    out: Path,
    *,
    tasks: Sequence[str],
    seeds: Sequence[int] = evaluate.FIND_SEEDS,
    processes: int = 2,
) -> dict[str, Any]:
    """Run ``find`` on each task and seed missing from ``out``; save ``out`` after each."""
    done: dict[str, Any] = json.loads(out.read_text()) if out.is_file() else {}
    jobs = [(t, s) for t in tasks for s in seeds if f"{t}/{s}" not in done]
    print(f"proposals: {len(jobs)} finds to run, {len(done)} recorded", flush=True)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        for i, (key, entry) in enumerate(pool.imap_unordered(_find_one, jobs), 1):
            done[key] = entry
            out.write_text(json.dumps(done, indent=0, sort_keys=True) + "\n")
            print(f"[{i}/{len(jobs)}] {key}: lr {entry['lr']:.4g} ({entry['seconds']} s)")
    return done


def moved(base: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The tasks with a find seed recorded in both whose result differs."""
    keys = sorted(set(base) & set(new))
    return sorted({k.split("/")[0] for k in keys if base[k]["sha"] != new[k]["sha"]})


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks proposals", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("record", help="run find on every task and find seed, saved as it goes")
    r.add_argument("out", type=Path)
    r.add_argument("--tasks", nargs="+", choices=suite.task_names(), default=None)
    r.add_argument("--processes", type=int, default=2)
    d = sub.add_parser("diff", help="the tasks whose find result differs between two records")
    d.add_argument("base", type=Path)
    d.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.out, tasks=args.tasks or suite.task_names(), processes=args.processes)
        return 0
    try:
        base, new = (json.loads(p.read_text()) for p in (args.base, args.new))
    except (OSError, ValueError) as exc:
        parser.error(f"cannot read a record: {exc}")
    common = set(base) & set(new)
    names = moved(base, new)
    print(f"{len(common)} find seeds in both; {len(names)} tasks moved:")
    for name in names:
        seeds = sorted(k for k in common if k.startswith(f"{name}/"))
        lrs = ", ".join(f"{base[k]['lr']:.3g} -> {new[k]['lr']:.3g}" for k in seeds)
        print(f"  {name}: {lrs}")
    print(" ".join(names))
    return 0
