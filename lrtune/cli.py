"""The ``lrtune`` command line: click options → one config object → one library call → render.

Errors deriving from :class:`lrtune.errors.LrtuneError` print as one line and exit 1.
"""

from __future__ import annotations

import sys

import click

from lrtune.errors import LrtuneError

__all__ = ["main", "cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="lrtune")
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
        sys.exit(1)
