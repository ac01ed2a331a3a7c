"""The ``lrtune schedules`` and ``lrtune snippet`` commands: the schedule types, and code for
one schedule given by hand (no range test).

Example:
    >>> from click.testing import CliRunner
    >>> out = CliRunner().invoke(snippet_command, ["cosine", "--lr", "0.1", "--epochs", "2",
    ...                                            "--steps-per-epoch", "5"]).output
    >>> "CosineAnnealingLR" in out
    True
"""

from __future__ import annotations

import click

__all__ = ["FORMAT_CHOICES", "schedules_command", "snippet_command"]

#: The code formats ``find``, ``recommend`` and ``snippet`` print.
FORMAT_CHOICES = click.Choice(["torch", "loop", "lightning", "hf", "timm", "yaml", "json"])


@click.command("schedules")
def schedules_command() -> None:
    """List the schedule types with their parameters."""
    import dataclasses

    from rich.console import Console
    from rich.table import Table

    from lrtune.schedules import get_schedule, list_schedules, schedule_params

    table = Table(title="lrtune schedules")
    for column in ("name", "parameters", "description"):
        table.add_column(column)
    for name in list_schedules():
        params = [
            key if default is dataclasses.MISSING else f"{key}={default}"
            for key, default in schedule_params(name).items()
        ]
        table.add_row(name, ", ".join(params), get_schedule(name).description)
    Console(width=160).print(table)


def _parse_set(values: tuple[str, ...]) -> dict[str, object]:
    import yaml

    params: dict[str, object] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--set")
        params[key.strip()] = yaml.safe_load(raw)
    return params


@click.command("snippet")
@click.argument("scheduler")
@click.option("--lr", type=float, required=True, help="Initial (peak) learning rate.")
@click.option("--epochs", type=int, required=True, help="Planned epochs.")
@click.option("--steps-per-epoch", type=int, required=True, help="Optimizer updates per epoch.")
@click.option("--basis", type=click.Choice(["iteration", "epoch"]), default="epoch")
@click.option("--warmup", type=int, default=0, help="Linear warmup, in units of the basis.")
@click.option("--eta-min-ratio", type=float, default=None, help="Floor as a fraction of --lr.")
@click.option("--set", "sets", multiple=True, metavar="NAME=VALUE", help="Other parameters.")
@click.option("--optimizer", type=click.Choice(["adamw", "sgd", "adam"]), default="adamw")
@click.option(
    "--format",
    "fmt",
    type=FORMAT_CHOICES,
    default="torch",
)
@click.option("--plot", type=click.Path(dir_okay=False), default=None, help="Write a PNG.")
def snippet_command(
    scheduler: str,
    lr: float,
    epochs: int,
    steps_per_epoch: int,
    basis: str,
    warmup: int,
    eta_min_ratio: float | None,
    sets: tuple[str, ...],
    optimizer: str,
    fmt: str,
    plot: str | None,
) -> None:
    """Print code for SCHEDULER (periods default to the whole run)."""
    from lrtune.emit import plot_schedule, render_code
    from lrtune.schedules import spec_for_run

    spec = spec_for_run(
        scheduler,
        lr=lr,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        basis=basis,
        warmup=warmup,
        eta_min_ratio=eta_min_ratio,
        params=_parse_set(sets),
    )
    code = render_code(
        spec, fmt, optimizer=optimizer, steps_per_epoch=steps_per_epoch, epochs=epochs
    )
    click.echo(code, nl=False)
    if plot:
        plot_schedule(spec, plot, steps_per_epoch=steps_per_epoch, epochs=epochs)
        click.echo(f"# plot written to {plot}", err=True)
