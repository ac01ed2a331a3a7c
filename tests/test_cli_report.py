"""The end of ``lrtune find``/``recommend``: unwritable outputs, storages checked before any
training, and Ctrl-C during ``--tune`` (lrtune._cli_report, lrtune.report.check_output)."""

from __future__ import annotations

import importlib
import json
import shlex
import sys
from pathlib import Path

import pytest

from lrtune.cli import main

from .conftest import SGD_REGRESSION_MODEL_PY

refine_module = importlib.import_module("lrtune.recommend.refine")

MODEL_PY = SGD_REGRESSION_MODEL_PY
FAST = ("--num-iter", "20", "--repeats", "1", "--device", "cpu", "--check", "0")


@pytest.fixture
def model_py(write_model) -> Path:
    return write_model(MODEL_PY)


@pytest.fixture
def lrtune(monkeypatch, capsys):
    """``lrtune(*args) -> (exit status, stdout, stderr)``, run in this process."""

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["lrtune", *map(str, args)])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


# ---------------------------------------------------------------- unwritable outputs


def test_cli_unwritable_out_fails_before_training(lrtune, model_py, tmp_path):
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "report"
    code, stdout, err = lrtune("find", model_py, *FAST, "--out", out)
    assert code == 1 and stdout == ""
    assert err == (
        f"error: --out {out}: cannot create the folder: {tmp_path / 'file'} is not a folder; "
        "pass --out with a folder you can write to\n"
    )


def test_cli_unwritable_json_fails_before_training(lrtune, model_py, tmp_path):
    (tmp_path / "file").write_text("")
    target = tmp_path / "file" / "r.json"
    code, stdout, err = lrtune("find", model_py, *FAST, "--out", tmp_path / "r", "--json", target)
    assert code == 1 and stdout == "" and not (tmp_path / "r").exists()
    assert err == (
        f"error: --json {target}: cannot write the file: {tmp_path / 'file'} is not a folder; "
        "pass --json with a path you can write to\n"
    )


def test_cli_recommend_unwritable_out_fails_before_training(lrtune, model_py, tmp_path):
    code, _, _ = lrtune("find", model_py, *FAST, "--out", tmp_path / "r")
    (tmp_path / "file").write_text("")
    out = tmp_path / "file" / "again"
    args = ("recommend", tmp_path / "r" / "result.json", "--out", out)
    code, stdout, err = lrtune(*args, "--tune", "--trials", "2", "--check", "0")
    assert code == 1 and stdout == ""
    assert err == (
        f"error: --out {out}: cannot create the folder: {tmp_path / 'file'} is not a folder; "
        "pass --out with a folder you can write to\n"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a full disk)")
def test_cli_write_failure_after_the_run_still_prints_the_result(lrtune, model_py, tmp_path):
    out = tmp_path / "r"
    code, stdout, err = lrtune("find", model_py, *FAST, "--out", out, "--json", "/dev/full")
    assert code == 1
    assert "suggested LR" in stdout and "scheduler.step()" in stdout  # the result is printed
    assert err.splitlines()[-1] == (
        "error: could not write /dev/full (No space left on device); the summary and code "
        "above are the result: copy them, or run again with --out/--json where there is room"
    )
    assert (out / "curve.png").exists() and (out / "schedule_torch.py").exists()


# ---------------------------------------------------------------- storage, before training


def test_cli_corrupt_storage_fails_before_training(lrtune, model_py, tmp_path):
    (tmp_path / "tune.db").write_bytes(b"not a database" * 100)
    url = f"sqlite:///{tmp_path / 'tune.db'}"
    out = tmp_path / "r"
    code, stdout, err = lrtune("find", model_py, *FAST, "--out", out, "--tune", "--storage", url)
    assert code == 1 and stdout == "" and not out.exists()
    assert err == (
        f"error: storage: cannot open {url}: DatabaseError: (sqlite3.DatabaseError) file is not "
        "a database; check that its folder exists and that the file is an SQLite database (or "
        "use a new file)\n"
    )


def test_cli_unreachable_postgres_masks_the_password(lrtune, model_py, tmp_path, monkeypatch):
    pytest.importorskip("psycopg")
    from lrtune.recommend import _storage

    monkeypatch.setattr(_storage, "CONNECT_TIMEOUT_S", 1)
    url = "postgres://me:s3cr3tpw@127.0.0.1:9/lrtune"  # the discard port: nothing listens
    code, stdout, err = lrtune("find", model_py, *FAST, "--out", tmp_path / "r", "--tune",
                               "--storage", url)  # fmt: skip
    assert code == 1 and stdout == "" and err.count("\n") == 1
    assert "s3cr3tpw" not in err
    assert err.startswith("error: storage: cannot open postgresql://me:***@127.0.0.1:9/lrtune: ")


# ---------------------------------------------------------------- Ctrl-C during --tune


@pytest.fixture
def ctrl_c_at_trial(monkeypatch):
    """Make the ``n``-th trial of this process raise KeyboardInterrupt (as Ctrl-C does);
    returns the real ``_run_trial``."""

    def arm(n: int):
        calls = []
        run_trial = refine_module._run_trial

        def trial(*args, **kwargs):
            calls.append(1)
            if len(calls) == n:
                raise KeyboardInterrupt
            return run_trial(*args, **kwargs)

        monkeypatch.setattr(refine_module, "_run_trial", trial)
        return run_trial

    return arm


def test_cli_ctrl_c_during_tune_keeps_the_result_and_says_how_to_resume(
    lrtune, model_py, tmp_path, ctrl_c_at_trial, monkeypatch
):
    url = f"sqlite:///{tmp_path / 'tune.db'}"
    out = tmp_path / "r"
    run_trial = ctrl_c_at_trial(3)
    code, stdout, err = lrtune("find", model_py, *FAST, "--out", out, "--tune", "--trials", "4",
                               "--budget", "6", "--storage", url)  # fmt: skip
    assert code == 130
    assert "suggested LR" in stdout and "scheduler.step()" in stdout
    saved = json.loads((out / "result.json").read_text())
    search = saved["recommendation"]["search"]
    assert search["interrupted"] is True and search["n_trials"] == 2
    trial0 = search["trials"][0]["params"]
    assert saved["recommendation"]["initial_lr"] == trial0["lr"]  # the rules' proposal
    assert "was interrupted (Ctrl-C)" in saved["recommendation"]["reasons"][-1]["text"]
    lines = err.splitlines()
    assert (
        "interrupted: the search stopped after 2 of 4 finished trials; the range test is kept, "
        "and the recommendation is the rules' proposal, not confirmed by the search "
        "(recommendation.search.interrupted)." in lines
    )
    resume = next(line for line in lines if line.startswith("to resume: "))
    assert resume == "to resume: " + shlex.join(
        ["lrtune", "recommend", str(out / "result.json"), "--model", str(model_py.resolve()),
         "--check", "0", "--tune", "--trials", "4", "--budget", "6", "--storage", url,
         "--study-name", "lrtune", "--out", str(out)]
    )  # fmt: skip
    monkeypatch.setattr(refine_module, "_run_trial", run_trial)
    code, _, err = lrtune(*shlex.split(resume.removeprefix("to resume: "))[1:])
    assert code == 0, err
    done = json.loads((out / "result.json").read_text())["recommendation"]["search"]
    assert done["n_trials"] == 4 and not done["interrupted"]
    assert [t["params"] for t in done["trials"][:2]] == [t["params"] for t in search["trials"][:2]]


def test_cli_ctrl_c_during_in_memory_tune_says_the_trials_are_lost(
    lrtune, model_py, tmp_path, ctrl_c_at_trial
):
    out = tmp_path / "r"
    ctrl_c_at_trial(2)
    code, stdout, err = lrtune(
        "find", model_py, *FAST, "--out", out, "--tune", "--trials", "4", "--budget", "6"
    )
    assert code == 130 and "scheduler.step()" in stdout
    assert json.loads((out / "result.json").read_text())["recommendation"]["search"]["interrupted"]
    assert (
        "the finished trials were in memory and are lost; pass --storage (e.g. "
        "sqlite:///lrtune-tune.db) to keep them and resume." in err.splitlines()
    )
    assert any(line.startswith("to run it again: lrtune recommend ") for line in err.splitlines())


# ---------------------------------------------------------------- the summary line


def test_cli_summary_says_where_a_wsd_cooldown_starts(lrtune, model_py, tmp_path):
    code, out, _ = lrtune("find", model_py, *FAST, "--scheduler", "wsd", "--out", tmp_path / "r")
    rec = json.loads((tmp_path / "r" / "result.json").read_text())["recommendation"]
    cooldown = max(1, round(0.2 * rec["schedule"]["total"]))
    assert code == 0 and "Recommended schedule: wsd" in " ".join(out.split())
    assert f"(held, then a sqrt cooldown over the last {cooldown})" in " ".join(out.split())
