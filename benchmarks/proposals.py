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

With ``--tune``, each find runs ``--tune`` too (its horizon check, race or search: about
fifteen minutes for the zoo), and each entry also keeps what the search did (``search``: its
kind, the peaks a race tried, which side it kept, its cost in steps); the committed record of
that is ``benchmarks/proposals_tune_cache.json``. A scan of it found the rounding that kept
the peak race from running after a default horizon check (candidate (59), docs/tuning.md).

Examples:
    python -m benchmarks proposals record                 # the committed record, brought current
    python -m benchmarks proposals record /tmp/cand.json  # in a candidate's worktree
    python -m benchmarks proposals record /tmp/cand.json --tasks digits_cnn logreg_sgd
    python -m benchmarks proposals diff benchmarks/proposals_cache.json /tmp/cand.json
    python -m benchmarks proposals record --tune          # the committed --tune record
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
TUNE_CACHE_PATH = Path(__file__).parent / "proposals_tune_cache.json"


def _find_one(job: tuple[str, int, str, bool]) -> tuple[str, dict[str, Any]]:
    """One find seed's result, reduced to what decides its rows, and its readings (with
    ``tune``, the fourth item, what ``--tune``'s search did as well)."""
    import torch

    from lrtune.api import find

    name, seed, version, tune = job
    torch.set_num_threads(1)
    start = time.perf_counter()
    config = methods.lrtune_config(seed, tune=tune)
    result = find(suite.load(name).find_task(seed), config=config)
    data = result.to_dict()
    data.pop("source", None)  # model.py's path: another checkout's is the same task
    for run in data.get("range_test", ()):
        run.pop("seconds", None)  # the only timing in result.json
    rec, reading = result.recommendation, result.analysis
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    extra = {"tune": True, "search": _search_summary(rec)} if tune else {}
    return f"{name}/{seed}", {
        **extra,
        "sha": digest[:16],
        "lr": float(rec.initial_lr) if rec is not None else float(reading.suggested_lr),
        "scheduler": rec.scheduler if rec is not None else None,
        "diverge_lr": reading.diverge_lr,
        "floor_lr": reading.floor_lr,
        "suggested_lr": reading.suggested_lr,
        "seconds": round(time.perf_counter() - start, 1),
        "version": version,
    }


def _search_summary(rec: Any) -> dict[str, Any] | None:
    """What ``--tune`` did: ``None`` where nothing ran (overfitting found, full-batch GD, no
    budget), else the kind (``peak-race`` or ``optuna``), the race's peaks and the side it kept,
    and the steps it cost."""
    search = rec.search if rec is not None else None
    if search is None:
        return None
    race = search.confirmation or {}
    return {
        "kind": race.get("kind", "optuna"),
        "kept": race.get("kept"),
        "peaks": race.get("peaks"),
        "cost_steps": search.cost_steps,
    }


def record(
    out: Path = CACHE_PATH,
    *,
    tasks: Sequence[str],
    seeds: Sequence[int] = evaluate.FIND_SEEDS,
    processes: int = 2,
    tune: bool = False,
) -> dict[str, Any]:
    """Run ``find`` (with ``tune``, ``find --tune``) on each task and seed that ``out``
    lacks, or holds from another lrtune version or the other mode; save ``out`` after each."""
    done: dict[str, Any] = json.loads(out.read_text()) if out.is_file() else {}
    version = methods.get("lrtune --tune" if tune else "lrtune").version()
    jobs = [
        (t, s, version, tune)
        for t in tasks
        for s in seeds
        if (e := done.get(f"{t}/{s}", {})).get("version") != version or e.get("tune", False) != tune
    ]
    print(f"proposals: {len(jobs)} finds to run, {len(done)} recorded ({version})", flush=True)
    if not jobs:
        return done
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        for i, (key, entry) in enumerate(pool.imap_unordered(_find_one, jobs), 1):
            done[key] = entry
            out.write_text(json.dumps(done, indent=0, sort_keys=True) + "\n")
            did = f", {(entry['search'] or {}).get('kind', 'no search')}" if tune else ""
            print(f"[{i}/{len(jobs)}] {key}: lr {entry['lr']:.4g}{did} ({entry['seconds']} s)")
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
    r.add_argument("out", type=Path, nargs="?", default=None)
    r.add_argument("--tasks", nargs="+", choices=suite.task_names(), default=None)
    r.add_argument("--processes", type=int, default=2)
    r.add_argument("--tune", action="store_true", help="run find --tune; keep what it did")
    d = sub.add_parser("diff", help="the tasks whose find result differs between two records")
    d.add_argument("base", type=Path)
    d.add_argument("new", type=Path)
    args = parser.parse_args(argv)
    if args.command == "record":
        args.out = args.out or (TUNE_CACHE_PATH if args.tune else CACHE_PATH)
        if not args.out.parent.is_dir():
            parser.error(f"{args.out.parent} is not a directory: give a path in one")
        try:
            record(
                args.out,
                tasks=args.tasks or suite.task_names(),
                processes=args.processes,
                tune=args.tune,
            )
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
