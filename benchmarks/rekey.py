"""``python -m benchmarks rekey OLD_VERSION``: carry lrtune's rows over a behaviour-free change.

lrtune's rows are keyed by a hash of every file of the package, docstrings included, so a
change that cannot move a proposal (a docstring, a rename, a refactor that a replay of every
zoo curve showed to leave each reading bit for bit) would otherwise cost the whole zoo's runs
again. This moves the rows of ``lrtune`` and ``lrtune --tune`` made by ``OLD_VERSION`` to the
current version's keys. It is a claim that the change is behaviour-free: make it only with the
evidence, and say so in the commit. Tasks listed with ``--skip`` (the ones a candidate moves,
to be run again) keep their old rows, which the next run prunes.

``--replan METHOD`` is for a change that moves a method's cost but only some of its proposals
(a change to ``--tune``'s race moves the race's steps on every task it runs on): it makes the
method's plan again, under the current code, for every task and find seed, and carries a
row over only where the new plan proposes the same LR to the bit, with the new plan's cost
(training is deterministic: the same LR and seeds train to the same loss). The other rows
are left for the next run to train. The other method's rows are re-keyed as without it.

Example:
    python -m benchmarks rekey "de4b434bf627f975 lrtune 0a4a96e05d9f21a2 machine a7b30d1ea87d"
    python -m benchmarks rekey "OLD VERSION" --replan "lrtune --tune"
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks import evaluate, methods, suite

METHODS = ("lrtune", "lrtune --tune")


def rekey(
    old_version: str,
    *,
    tasks: Sequence[str],
    results_dir: Path = evaluate.RESULTS_DIR,
    device: str = "cpu",
    method_names: Sequence[str] = METHODS,
) -> int:
    """Copy the rows ``old_version`` made to the current version's keys; return how many."""
    moved = 0
    for name in tasks:
        bench = suite.load(name)
        cache = evaluate._Cache(results_dir, name)
        for method_name in method_names:
            new_version = methods.get(method_name).version()
            for find_seed in evaluate.FIND_SEEDS:
                for train_seed in evaluate.TRAIN_SEEDS:
                    parts = (bench.hash, method_name, find_seed, train_seed, device)
                    old = cache.get(evaluate._key(*parts[:2], old_version, *parts[2:]))
                    if old is None or old.get("version") != old_version:
                        continue
                    key = evaluate._key(*parts[:2], new_version, *parts[2:])
                    cache.put(key, {**old, "version": new_version})
                    moved += 1
    return moved


def replan(
    old_version: str,
    method_name: str,
    *,
    tasks: Sequence[str],
    results_dir: Path = evaluate.RESULTS_DIR,
    device: str = "cpu",
    processes: int = 2,
) -> tuple[int, int]:
    """Carry ``method_name``'s rows made by ``old_version`` to the current version's keys
    where its plan, made again, proposes the same LR (with the new plan's cost); return
    (rows carried, find seeds whose LR moved and are left to train)."""
    new_version = methods.get(method_name).version()
    caches = {name: evaluate._Cache(results_dir, name) for name in tasks}
    hashes = {name: suite.load(name).hash for name in tasks}  # each reads model.py
    jobs = []
    for name, cache in caches.items():
        for find_seed in evaluate.FIND_SEEDS:
            parts = (method_name, new_version, find_seed, evaluate.TRAIN_SEEDS[0], device)
            # a find seed an earlier, cut-off replan already carried is not planned again
            if cache.get(evaluate._key(hashes[name], *parts)) is None:
                jobs.append((name, method_name, find_seed, device))
    carried = moved = 0
    with multiprocessing.Pool(processes) as pool:
        for done, (name, find_seed, plan) in enumerate(pool.imap_unordered(_plan, jobs), 1):
            cache = caches[name]
            lrs = set()
            for train_seed in evaluate.TRAIN_SEEDS:
                parts = (hashes[name], method_name, find_seed, train_seed, device)
                old = cache.get(evaluate._key(*parts[:2], old_version, *parts[2:]))
                if old is None:
                    continue
                lrs.add(old.get("lr"))
                if old.get("lr") == plan["lr"]:
                    key = evaluate._key(*parts[:2], new_version, *parts[2:])
                    cache.put(key, {**old, **plan, "version": new_version})
                    carried += 1
            moved += bool(lrs - {plan["lr"]})
            print(f"[{done}/{len(jobs)}] {name}/{find_seed}: lr {plan['lr']}", flush=True)
    return carried, moved


def _plan(job: tuple[str, str, int, str]) -> tuple[str, int, dict[str, Any]]:
    """One find seed's plan, in a worker: what a row records of it."""
    import torch

    torch.set_num_threads(1)
    name, method_name, find_seed, device = job
    plan = methods.get(method_name).suggest(suite.load(name), find_seed, device=device)
    fields = {
        "lr": plan.lr,
        "cost_steps": plan.cost_steps,
        "range_test_steps": plan.range_test_steps,
        "note": plan.note,
    }
    return name, find_seed, fields


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks rekey", description=__doc__)
    parser.add_argument("old_version", help="the version string the rows were made by")
    parser.add_argument("--skip", nargs="*", default=[], help="tasks to leave to be run again")
    parser.add_argument(
        "--replan",
        metavar="METHOD",
        choices=METHODS,
        help="make this method's plans again; carry only the rows whose LR they reproduce",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.skip) - set(suite.task_names()))
    if unknown:
        parser.error(f"unknown task(s) {', '.join(unknown)}: see benchmarks/tasks/")
    tasks = [t for t in suite.task_names() if t not in args.skip]
    if args.replan:
        others = [m for m in METHODS if m != args.replan]
        print(f"rekey: {rekey(args.old_version, tasks=tasks, method_names=others)} rows moved")
        carried, moved = replan(args.old_version, args.replan, tasks=tasks)
        print(f"replan: {carried} rows carried; {moved} find seeds moved, left to train")
        return 0
    moved = rekey(args.old_version, tasks=tasks)
    per_task = len(METHODS) * len(evaluate.FIND_SEEDS) * len(evaluate.TRAIN_SEEDS)
    print(f"rekey: {moved} rows moved over {len(tasks)} tasks ({per_task} expected per task)")
    return 0 if moved else 1
