"""The ``lrtune snippet`` and ``lrtune schedules`` commands, and the acceptance check."""

from __future__ import annotations

import math
from pathlib import Path

import torch
from click.testing import CliRunner

from lrtune.cli import cli

ACCEPTANCE = (
    "snippet cosine --lr 0.01 --epochs 3 --steps-per-epoch 10 --basis iteration --warmup 5"
    " --eta-min-ratio 0.01 --format torch"
)


def test_snippet_acceptance_cosine_warmup_follows_closed_form() -> None:
    result = CliRunner().invoke(cli, ACCEPTANCE.split())
    assert result.exit_code == 0, result.output
    scope = {"model": torch.nn.Linear(4, 2)}
    exec(compile(result.output, "<snippet>", "exec"), scope)
    optimizer, scheduler = scope["optimizer"], scope["scheduler"]
    for step in range(31):
        if step < 5:
            want = 0.01 * (step + 1) / 6
        else:
            want = 1e-4 + 0.5 * (0.01 - 1e-4) * (1 + math.cos(math.pi * (step - 5) / 25))
        assert math.isclose(optimizer.param_groups[0]["lr"], want, rel_tol=1e-9), step
        if step < 30:
            optimizer.step()
            scheduler.step()
    assert math.isclose(optimizer.param_groups[0]["lr"], 1e-4, rel_tol=1e-9)


def test_snippet_plot_writes_png(tmp_path: Path) -> None:
    out = tmp_path / "schedule.png"
    args = ["snippet", "wsd", "--lr", "0.1", "--epochs", "4", "--steps-per-epoch", "5"]
    result = CliRunner().invoke(cli, [*args, "--set", "cooldown=linear", "--plot", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:4] == b"\x89PNG"


def test_snippet_set_parses_lists_and_epoch_basis_periods() -> None:
    args = ["snippet", "multistep", "--lr", "0.1", "--epochs", "9", "--steps-per-epoch", "5"]
    result = CliRunner().invoke(cli, [*args, "--set", "milestones=[3, 6]", "--format", "yaml"])
    assert result.exit_code == 0, result.output
    assert "- 3\n" in result.output and "basis: epoch" in result.output


def test_snippet_unknown_scheduler_is_lrtune_error() -> None:
    args = ["snippet", "cosin", "--lr", "0.1", "--epochs", "2", "--steps-per-epoch", "3"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code != 0
    assert "expected one of constant" in str(result.exception)


def test_schedules_lists_every_type() -> None:
    result = CliRunner().invoke(cli, ["schedules"])
    assert result.exit_code == 0, result.output
    for name in ("cosine", "onecycle", "wsd", "plateau", "cosine_restarts"):
        assert name in result.output
