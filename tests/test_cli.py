"""The command line as a user runs it: report folder, one-line errors, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import ROOT


def _lrtune(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lrtune", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
    )


def test_cli_find_writes_the_report_folder(tmp_path):
    out = tmp_path / "report"
    proc = _lrtune(
        "find",
        str(ROOT / "examples" / "digits_cnn" / "model.py"),
        "--num-iter",
        "60",
        "--repeats",
        "1",
        "--device",
        "cpu",
        "--out",
        str(out),
        "--json",
        str(tmp_path / "r.json"),
    )
    assert proc.returncode == 0, proc.stderr
    assert "suggested LR" in proc.stdout and "scheduler.step()" in proc.stdout
    assert (out / "curve.png").stat().st_size > 10_000
    assert (out / "schedule.png").stat().st_size > 10_000
    assert "scheduler = " in (out / "schedule_torch.py").read_text()
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["analysis"]["suggested_lr"] > 0
    assert data["recommendation"]["basis"] in ("epoch", "iteration")
    assert "optimizer = torch.optim.SGD" in data["code"]["torch"]


def test_cli_broken_model_is_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "model.py"
    bad.write_text("import torch\nmodel = torch.nn.Linear(2\n")
    proc = _lrtune("find", str(bad), "--out", str(tmp_path / "r"))
    assert proc.returncode == 1
    assert proc.stderr.startswith(f"error: {bad}:")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert not (tmp_path / "r").exists()


def test_cli_unknown_scheduler_lists_valid_names(tmp_path):
    proc = _lrtune("snippet", "cosinus", "--lr", "0.1", "--epochs", "3", "--steps-per-epoch", "5")
    assert proc.returncode == 1
    assert "expected one of constant, step" in proc.stderr and "got 'cosinus'" in proc.stderr
