"""``python -m benchmarks grid|run``: the oracle grid and the side-by-side benchmark.

Examples:
    python -m benchmarks grid                      # fill missing/stale grid entries
    python -m benchmarks grid --task digits_cnn --force
    python -m benchmarks run --quick               # peers vs cached grid -> docs/benchmarks.md
    python -m benchmarks gpu                       # the GPU check (CUDA) -> its section there
    python -m benchmarks calibrate                 # one reading x one constant -> calibration.md
    python -m benchmarks compare /tmp/base.md      # lrtune's figures: a render against the doc
    python -m benchmarks rekey "OLD VERSION"       # rows over a behaviour-free lrtune change
    python -m benchmarks proposals record OUT.json # find alone: which tasks a change moves
"""

from __future__ import annotations

import argparse
import importlib
import sys

from benchmarks import grid, suite

#: Subcommands that parse their own options: ``benchmarks.<name>.main(argv)``.
OWN_PARSERS = ("gpu", "compare", "rekey", "proposals")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser(
        "grid", help="compute the oracle grid (cached in benchmarks/grid_cache.json)"
    )
    g.add_argument("--task", action="append", choices=suite.task_names(), help="repeatable")
    g.add_argument("--force", action="store_true", help="recompute even current entries")
    g.add_argument("--processes", type=int, default=2)
    r = sub.add_parser("run", help="run every method and write docs/benchmarks.md")
    r.add_argument(
        "--quick",
        action="store_true",
        help="each plan trained once (3 find seeds x 1 training seed), never recompute the grid",
    )
    r.add_argument("--device", default="cpu", help="device for the methods' runs (cpu, cuda)")
    r.add_argument("--tasks", nargs="+", choices=suite.task_names(), default=None)
    r.add_argument("--methods", nargs="+", default=None, help="subset of the registry")
    r.add_argument(
        "--no-speed",
        action="store_true",
        help="skip benchmarks/speed.py; keep the speed section the doc has",
    )
    r.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    r.add_argument("--processes", type=int, default=2, help="for grid runs, when needed")
    sub.add_parser("gpu", help="the GPU check (benchmarks/gpu.py; its own options)", add_help=False)
    sub.add_parser("compare", help="lrtune's figures in two renders of the doc", add_help=False)
    sub.add_parser("rekey", help="carry lrtune's rows over a behaviour-free change", add_help=False)
    sub.add_parser("proposals", help="lrtune's find alone on every task, and diffs", add_help=False)
    c = sub.add_parser(
        "calibrate", help="fit peak = c x reading per optimizer family -> docs/calibration.md"
    )
    c.add_argument("--task", action="append", choices=suite.task_names(), help="repeatable")
    if argv is None:
        argv = sys.argv[1:]
    if argv[:1] and argv[0] in OWN_PARSERS:  # a module with its own options and main()
        return importlib.import_module(f"benchmarks.{argv[0]}").main(argv[1:])
    args = parser.parse_args(argv)

    if args.command == "grid":
        names = args.task or suite.task_names()
        n = grid.compute(names, force=args.force, processes=args.processes)
        print(f"grid: {n} runs made; cache: {grid.CACHE_PATH}")
        return 0
    if args.command == "calibrate":
        from benchmarks import calibrate

        print(f"wrote {calibrate.main(args.task)}")
        return 0
    from benchmarks import report

    path = report.run(
        tasks=args.tasks or suite.task_names(),
        quick=args.quick,
        device=args.device,
        processes=args.processes,
        method_names=args.methods,
        threads=args.threads,
        speed=not args.no_speed,
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
