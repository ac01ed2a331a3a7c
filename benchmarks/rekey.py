"""``python -m benchmarks rekey OLD_VERSION``: carry lrtune's rows over a behaviour-free change.

lrtune's rows are keyed by a hash of every file of the package, docstrings included, so a
change that cannot move a proposal (a docstring, a rename, a refactor that a replay of every
zoo curve showed to leave each reading bit for bit) would otherwise cost the whole zoo's runs
again. This moves the rows of ``lrtune`` and ``lrtune --tune`` made by ``OLD_VERSION`` to the
current version's keys. It is a claim that the change is behaviour-free: make it only with the
evidence, and say so in the commit. Tasks listed with ``--skip`` (the ones a candidate moves,
to be run again) keep their old rows, which the next run prunes.

Example:
    python -m benchmarks rekey "de4b434bf627f975 lrtune 0a4a96e05d9f21a2 machine a7b30d1ea87d"
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from benchmarks import evaluate, methods, suite

METHODS = ("lrtune", "lrtune --tune")


def rekey(
    old_version: str,
    *,
    tasks: Sequence[str],
    results_dir: Path = evaluate.RESULTS_DIR,
    device: str = "cpu",
) -> int:
    """Copy the rows ``old_version`` made to the current version's keys; return how many."""
    moved = 0
    for name in tasks:
        bench = suite.load(name)
        cache = evaluate._Cache(results_dir, name)
        for method_name in METHODS:
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


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks rekey", description=__doc__)
    parser.add_argument("old_version", help="the version string the rows were made by")
    parser.add_argument("--skip", nargs="*", default=[], help="tasks to leave to be run again")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.skip) - set(suite.task_names()))
    if unknown:
        parser.error(f"unknown task(s) {', '.join(unknown)}: see benchmarks/tasks/")
    tasks = [t for t in suite.task_names() if t not in args.skip]
    moved = rekey(args.old_version, tasks=tasks)
    per_task = len(METHODS) * len(evaluate.FIND_SEEDS) * len(evaluate.TRAIN_SEEDS)
    print(f"rekey: {moved} rows moved over {len(tasks)} tasks ({per_task} expected per task)")
    return 0 if moved else 1
