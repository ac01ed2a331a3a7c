"""``python -m benchmarks proposals``: lrtune's find on every zoo task, without the training.

A rule change moves the benchmark's rows only on the find seeds whose ``find`` it changes.
lrtune's rows on every zoo task take about two hours on 2 cores; ``find`` alone on all 348
find seeds takes about ten minutes. So a candidate is judged by construction: record every
find seed's result under the code before the change and under the candidate, list the tasks
whose result differs (the whole result.json, not only the peak; timings and model.py's path
aside), run those again, and carry the rest over with ``rekey``. Records are saved after
every find, so a cut-off scan resumes. Each entry carries the lrtune version that made it
(:meth:`LrtuneMethod.version`: the package's source and the machine's arithmetic), and a
record run again redoes only the entries another version made. The committed
``benchmarks/proposals_cache.json`` is the record of the code as it landed, so a candidate's
scan is the only one a session needs to run.

Examples:
    python -m benchmarks proposals record                 # the committed record, brought current
    python -m benchmarks proposals record /tmp/cand.json  # in a candidate's worktree
    python -m benchmarks proposals record /tmp/cand.json --tasks digits_cnn logreg_sgd
    python -m benchmarks proposals diff benchmarks/proposals_cache.json /tmp/cand.json
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import evaluate, methods, suite

CACHE_PATH = Path(__file__).parent / "proposals_cache.json"


def _find_one(job: tuple[str, int, str]) -> tuple[str, dict[str, Any]]:
    """One find seed's result, reduced to what decides its rows, and its readings."""
    import torch

    from lrtune.api import FindConfig, find

    name, seed, version = job
    torch.set_num_threads(1)
    start = time.perf_counter()
    result = find(suite.load(name).find_task(seed), config=FindConfig.create(seed=seed))
    data = result.to_dict()
    data.pop("source", None)  # model.py's path: another checkout's is the same task
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
        "version": version,
    }


def record(
    out: Path = CACHE_PATH,
    *,
    tasks: Sequence[str],
    seeds: Sequence[int] = evaluate.FIND_SEEDS,
    processes: int = 2,
) -> dict[str, Any]:
    """Run ``find`` on each task and seed that ``out`` lacks, or holds from another lrtune
    version; save ``out`` after each."""
    done: dict[str, Any] = json.loads(out.read_text()) if out.is_file() else {}
    version = methods.get("lrtune").version()
    jobs = [
        (t, s, version)
        for t in tasks
        for s in seeds
        if done.get(f"{t}/{s}", {}).get("version") != version
    ]
    print(f"proposals: {len(jobs)} finds to run, {len(done)} recorded ({version})", flush=True)
    if not jobs:
        return done
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
    r.add_argument("out", type=Path, nargs="?", default=CACHE_PATH)
    r.add_argument("--tasks", nargs="+", choices=suite.task_names(), default=None)
    r.add_argument("--processes", type=int, default=2)
    d = sub.add_parser("diff", help="the tasks whose find result differs between two records")
    d.add_argument("base", type=Path)
    d.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        if not args.out.parent.is_dir():
            parser.error(f"{args.out.parent} is not a directory: give a path in one")
        try:
            record(args.out, tasks=args.tasks or suite.task_names(), processes=args.processes)
        except ValueError as exc:  # a record that is not JSON
            parser.error(f"{args.out} is not a proposals record ({exc}): move it or name another")
        return 0
    try:
        base, new = (json.loads(p.read_text()) for p in (args.base, args.new))
    except (OSError, ValueError) as exc:
        parser.error(f"cannot read a record: {exc}")
    common = set(base) & set(new)
    versions = {e.get("version") for e in base.values()} & {e.get("version") for e in new.values()}
    if versions - {None}:
        print(f"warning: both records hold entries of {sorted(versions - {None})}")
    names = moved(base, new)
    print(f"{len(common)} find seeds in both; {len(names)} tasks moved:")
    for name in names:
        seeds = sorted(k for k in common if k.startswith(f"{name}/"))
        lrs = ", ".join(f"{base[k]['lr']:.3g} -> {new[k]['lr']:.3g}" for k in seeds)
        print(f"  {name}: {lrs}")
    print(" ".join(names))
    return 0
