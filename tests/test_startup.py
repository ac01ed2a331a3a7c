"""Start-up: the light commands never import torch, scipy, matplotlib or optuna."""

from __future__ import annotations

import subprocess
import sys

import pytest

import lrtune

HEAVY = ("torch", "scipy", "matplotlib", "optuna", "sklearn")

_PROBE = """
import contextlib, io, sys
from lrtune.cli import cli
with contextlib.redirect_stdout(io.StringIO()):
    try:
        cli.main(args=sys.argv[1:], standalone_mode=False)
    except SystemExit:
        pass
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


def _heavy_modules_after(*args: str) -> str:
    code = _PROBE.format(heavy=HEAVY)
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_startup_import_cli_does_not_import_torch():
    code = "import sys, lrtune, lrtune.cli; print('torch' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "False", proc.stderr


@pytest.mark.parametrize(
    "args",
    [
        "--help",
        "find --help",
        "schedules",
        "snippet cosine --lr 0.01 --epochs 3 --steps-per-epoch 10",
        "snippet onecycle --lr 0.1 --epochs 3 --steps-per-epoch 10 --basis iteration "
        "--format yaml --optimizer sgd",
    ],
    ids=["help", "find-help", "schedules", "snippet", "snippet-yaml"],
)
def test_startup_light_commands_import_no_heavy_module(args):
    assert _heavy_modules_after(*args.split()) == ""


def test_startup_version_names_lrtune():
    proc = subprocess.run(
        [sys.executable, "-m", "lrtune", "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    assert proc.stdout == f"lrtune, version {lrtune.__version__}\n"


def test_startup_lazy_exports_resolve():
    for name in lrtune.__all__:
        assert getattr(lrtune, name) is not None, name
    assert set(lrtune.__all__) <= set(dir(lrtune))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        lrtune.nope  # noqa: B018
