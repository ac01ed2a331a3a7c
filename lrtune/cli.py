"""The ``lrtune`` command line: click options → one config object → one library call → render.

Errors deriving from :class:`lrtune.errors.LrtuneError` print as one line and exit 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from lrtune._cli_report import progress_bar
from lrtune._cli_schedules import FORMAT_CHOICES, schedules_command, snippet_command
from lrtune.errors import LrtuneError

if TYPE_CHECKING:
    from lrtune.recommend.refine import TuneConfig

__all__ = ["main", "cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lrtune", prog_name="lrtune")
def cli() -> None:
    """Pick the learning rate and the LR schedule for a PyTorch model."""


def main() -> None:
    """Console entry point: run the CLI, printing lrtune errors without a traceback."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except LrtuneError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)  # 1; 130 for a range test interrupted before it could be read


# ---------------------------------------------------------------- find and recommend


def _recommend_options(fn: Callable[..., None]) -> Callable[..., None]:
    """Options shared by ``find`` and ``recommend``."""
    options = [
        click.option(
            "--epochs", type=click.IntRange(min=1), help="Planned epochs (overrides model.py)."
        ),
        click.option(
            "--max-steps",
            type=click.IntRange(min=1),
            help="Planned run in optimizer updates (overrides --epochs and model.py; planned "
            "on the iteration basis).",
        ),
        click.option("--scheduler", help="Force a schedule type (see `lrtune schedules`)."),
        click.option(
            "--format",
            "fmt",
            type=FORMAT_CHOICES,
            default="torch",
            show_default=True,
            help="Code to print.",
        ),
        click.option(
            "--tune", is_flag=True, help="Refine the proposal with a budgeted Optuna search."
        ),
        click.option(
            "--trials",
            type=click.IntRange(min=1),
            default=8,
            show_default=True,
            help="Optuna trials (with --tune).",
        ),
        click.option(
            "--budget",
            type=click.FloatRange(min=0, min_open=True, max=10),
            default=1.0,
            show_default=True,
            help="Search compute as a fraction of the planned training.",
        ),
        click.option(
            "--check",
            type=click.FloatRange(min=0, max=1),
            default=0.4,
            show_default=True,
            help="Fraction of the run the horizon check trains the proposal at full length "
            "to look for overfitting, before any --tune search (part of --budget) or when the "
            "rules warn of overfitting (needs val_loader; 0: off).",
        ),
        click.option(
            "--storage", help="Optuna storage: sqlite:///x.db, x.log (journal) or a PostgreSQL URL."
        ),
        click.option("--study-name", help="Optuna study name (resume or share a study)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _tune_config(
    tune: bool, trials: int, budget: float, storage: str | None, study: str | None
) -> TuneConfig | None:
    if not tune:
        if storage or study:
            raise click.BadParameter("needs --tune", param_hint="--storage/--study-name")
        return None
    from lrtune.recommend._storage import validate_storage
    from lrtune.recommend.refine import TuneConfig

    config = TuneConfig(n_trials=trials, budget=budget, storage=storage, study_name=study)
    validate_storage(config.storage)  # before model.py and any training: seconds, not a run
    return config


@cli.command("find")
@click.argument("model_py", type=click.Path(dir_okay=False))
@click.option("--start-lr", type=float, default=1e-7, show_default=True)
@click.option("--end-lr", type=float, default=10.0, show_default=True)
@click.option("--num-iter", type=int, default=100, show_default=True, help="Optimizer steps.")
@click.option("--mode", type=click.Choice(["exp", "linear"]), default="exp", show_default=True)
@click.option("--device", default="auto", show_default=True, help="auto, cpu, cuda[:N] or mps.")
@click.option(
    "--amp",
    type=click.Choice(["auto", "bf16", "fp16", "off"]),
    default="auto",
    show_default=True,
    help="Autocast on CUDA.",
)
@click.option(
    "--accumulate",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Micro-batches per optimizer step.",
)
@click.option("--clip-grad-norm", type=float, default=None, help="Clip gradients to this norm.")
@click.option("--seed", type=int, default=0, show_default=True, help="Data-order seed.")
@click.option(
    "--repeats",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="Range tests, each with its own data order; their step-wise median is read.",
)
@click.option(
    "--zoom/--no-zoom",
    default=True,
    show_default=True,
    help="Sweep again: narrowly when the loss falls only just before it blows up, for the "
    "planned run's length when it hardly falls at all.",
)
@click.option(
    "--probe/--no-probe",
    default=True,
    show_default=True,
    help="Train the proposal's first 20% and halve a peak that blows up (needs val_loader).",
)
@_recommend_options
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="lrtune-report",
    show_default=True,
    help="Report folder.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write result.json here instead of into --out.",
)
def find_command(
    model_py: str,
    start_lr: float,
    end_lr: float,
    num_iter: int,
    mode: str,
    device: str,
    amp: str,
    accumulate: int,
    clip_grad_norm: float | None,
    seed: int,
    repeats: int,
    zoom: bool,
    probe: bool,
    epochs: int | None,
    max_steps: int | None,
    scheduler: str | None,
    fmt: str,
    tune: bool,
    trials: int,
    budget: float,
    check: float,
    storage: str | None,
    study_name: str | None,
    out: str,
    json_path: str | None,
) -> None:
    """Run an LR range test on MODEL_PY and recommend a full schedule, with code."""
    from rich.console import Console

    from lrtune._cli_report import Rerun, finish
    from lrtune.api import FindConfig, find
    from lrtune.errors import Interrupted
    from lrtune.model_file import load_task
    from lrtune.report import check_output

    config = FindConfig.create(
        seed=seed,
        start_lr=start_lr,
        end_lr=end_lr,
        num_iter=num_iter,
        mode=mode,
        device=device,
        amp=amp,
        accumulation_steps=accumulate,
        clip_grad_norm=clip_grad_norm,
        repeats=repeats,
        zoom=zoom,
        probe=probe,
        epochs=epochs,
        max_steps=max_steps,
        scheduler=scheduler,
        formats=tuple(dict.fromkeys((fmt, "torch"))),
        tune=_tune_config(tune, trials, budget, storage, study_name),
        check=check,
    )
    from lrtune import distributed

    distributed.init_from_env()  # under torchrun: join the process group (left at exit)
    console = Console(stderr=True)
    check_output(out, json_path=json_path)  # before any training: an unwritable path costs nothing
    task = load_task(model_py, seed=seed)  # the same --seed builds the same initial weights
    if not distributed.is_main():  # rank 0 alone reports; the others run the same test in step
        find(task, config=config)
        return
    rerun = None
    try:
        with progress_bar(console) as progress:
            result = find(task, config=config, progress=progress)
    except Interrupted as stop:  # Ctrl-C in the check or the search: keep the range test
        result, rerun = stop.result, Rerun(None, model_py, config, out)
    if result.interrupted:  # Ctrl-C in the range test: the partial curve, marked; status 130
        rerun = Rerun(None, model_py, config, out)
    status = finish(result, out=out, json_path=json_path, fmt=fmt, console=console, rerun=rerun)
    if status:
        sys.exit(status)


@cli.command("recommend")
@click.argument("result_json", type=click.Path(dir_okay=False))
@click.option(
    "--model",
    "model_py",
    type=click.Path(dir_okay=False),
    default=None,
    help="The model.py (needed with --tune).",
)
@_recommend_options
@click.option(
    "--out", type=click.Path(file_okay=False), default=None, help="Write a new report folder here."
)
def recommend_command(
    result_json: str,
    model_py: str | None,
    epochs: int | None,
    max_steps: int | None,
    scheduler: str | None,
    fmt: str,
    tune: bool,
    trials: int,
    budget: float,
    check: float,
    storage: str | None,
    study_name: str | None,
    out: str | None,
) -> None:
    """Re-run the recommendation from a saved RESULT_JSON (no new range test)."""
    from rich.console import Console

    from lrtune._cli_report import Rerun, finish
    from lrtune._result_file import tune_source
    from lrtune.api import FindConfig, load_result, recommend_from_result
    from lrtune.errors import Interrupted
    from lrtune.model_file import load_task
    from lrtune.report import check_output

    config = FindConfig(
        epochs=epochs,
        max_steps=max_steps,
        scheduler=scheduler,
        formats=tuple(dict.fromkeys((fmt, "torch"))),
        tune=_tune_config(tune, trials, budget, storage, study_name),
        check=check,
    )
    saved = load_result(result_json)
    if out is not None:
        check_output(out)
    source = tune_source(saved, result_json, model_py) if tune else model_py
    seed = saved.runs[0].seed if saved.runs and saved.runs[0].seed is not None else 0
    task = load_task(source, seed=seed) if source else None  # the weights find started from
    console = Console(stderr=True)
    rerun = None
    try:
        with progress_bar(console) as progress:
            result = recommend_from_result(saved, task=task, config=config, progress=progress)
    except Interrupted as stop:  # Ctrl-C in the check or the search: keep the range test
        result, rerun = stop.result, Rerun(result_json, source, config, out)
    status = finish(result, out=out, json_path=None, fmt=fmt, console=console, rerun=rerun)
    if status:
        sys.exit(status)


cli.add_command(schedules_command)
cli.add_command(snippet_command)
