"""``--tune --storage postgresql://…`` against a real, throwaway PostgreSQL server.

The module starts its own cluster (``initdb`` into a temporary folder, ``pg_ctl start`` on a
free port of 127.0.0.1, trust authentication) and stops and deletes it afterwards. It is
skipped when the server binaries or the PostgreSQL driver (``pip install "lrtune[postgres]"``)
are missing.
As root, the server runs as the ``postgres`` OS user (PostgreSQL refuses to run as root).

Each test runs the real CLI (``lrtune recommend result.json --tune --storage … --study-name …``)
in fresh interpreters through a small wrapper that tags every trial with the process that
asked for it (a user attribute) and can hold each trial open for a moment, so that two
processes interleave and a run can be killed mid-search.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import optuna
import pytest
import sqlalchemy

from lrtune.api import FindConfig, find
from lrtune.recommend.refine import TuneConfig, open_storage

from .conftest import SGD_REGRESSION_MODEL_PY

N_TRIALS = 4
_FINISHED = ("COMPLETE", "PRUNED")

# ---------------------------------------------------------------- the throwaway server


def _pg_bindir() -> Path | None:
    """A folder holding initdb, pg_ctl and postgres, or None."""
    candidates = []
    for name in ("pg_ctl", "initdb", "postgres"):
        found = shutil.which(name)
        if found:
            candidates.append(Path(found).resolve().parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            out = ""
        if out:
            candidates.append(Path(out))
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_server_user() -> tuple[list[str], tuple[int, int] | None]:
    """The command prefix that runs the server binaries, and the (uid, gid) to own its files.

    PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` OS user.
    """
    if os.geteuid() != 0:
        return [], None
    import pwd

    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no 'postgres' OS user to run the server")
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root and runuser is missing")
    return [runuser, "-u", "postgres", "--"], (user.pw_uid, user.pw_gid)


def _stop_server(prefix: list[str], bindir: Path, data: Path) -> None:
    """Stop the server started on ``data``: fast, then immediate, then SIGKILL by its pid."""
    if not (data / "postmaster.pid").exists():
        return
    for mode in ("fast", "immediate"):
        try:
            proc = subprocess.run(
                [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"],
                capture_output=True,
                timeout=60,
            )
        except subprocess.TimeoutExpired:
            continue
        if proc.returncode == 0:
            return
    try:
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
        if b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes():  # not a reused pid
            os.kill(pid, signal.SIGKILL)
    except (OSError, ValueError, IndexError):
        pass


def _check_driver() -> None:
    """Skip unless SQLAlchemy's default PostgreSQL driver imports.

    It is psycopg (3) from SQLAlchemy 2.1 on, psycopg2 before; ``lrtune[postgres]`` has both.
    """
    try:
        sqlalchemy.create_engine("postgresql://user@127.0.0.1/db").dispose()
    except ImportError as exc:
        pytest.skip(f'no PostgreSQL driver ({exc}); pip install "lrtune[postgres]"')


def _create_database(server: str, name: str) -> str:
    """Create an empty database ``name`` on ``server`` (``postgresql://user@host:port``);
    returns its URL."""
    admin = sqlalchemy.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sqlalchemy.text(f"CREATE DATABASE {name}"))
    finally:
        admin.dispose()
    return f"{server}/{name}"


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL cluster with an empty database ``lrtune``; yields its URL.

    The server is stopped and its folder deleted afterwards, whatever the tests did.
    """
    _check_driver()
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found")
    prefix, owner = _as_server_user()
    # As root the folder must be reachable by the postgres user: /tmp, not pytest's 0700 tree.
    base = Path(tempfile.mkdtemp(prefix="lrtune-pg-", dir="/tmp" if owner else None))
    data = base / "data"
    try:
        if owner:
            os.chown(base, *owner)
        initdb = subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "--encoding=UTF8", "--no-sync"],
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip
        if initdb.returncode != 0:
            pytest.fail(f"initdb failed: {initdb.stderr[-2000:]}")
        port = None
        for _ in range(3):  # another process may take the free port before the server does
            candidate = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {candidate} "
                "-c unix_socket_directories='' "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            start = subprocess.run(
                [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"),
                 "-o", options, "-w", "-t", "60", "start"],
                capture_output=True,
                text=True,
                timeout=120,
            )  # fmt: skip
            if start.returncode == 0:
                port = candidate
                break
            _stop_server(prefix, bindir, data)
        if port is None:
            log = base / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else start.stderr[-2000:]
            pytest.fail(f"pg_ctl start failed: {tail}")
        yield _create_database(f"postgresql://postgres@127.0.0.1:{port}", "lrtune")
    finally:
        _stop_server(prefix, bindir, data)
        shutil.rmtree(base, ignore_errors=True)


# ---------------------------------------------------------------- the saved result and the CLI

MODEL_PY = SGD_REGRESSION_MODEL_PY

# Runs ``lrtune`` (its console entry point) with two test hooks, both through the environment:
# every trial gets the user attribute ``worker`` and is held open LRTUNE_TEST_DELAY seconds
# before training; with LRTUNE_TEST_BARRIER=folder:n, the process starts the CLI only once n
# processes have imported everything (so that they really run side by side).
WRAPPER = """\
import os, sys, time
from pathlib import Path

import optuna
import torch  # noqa: F401  (imported before the barrier, like the rest)
import lrtune.api, lrtune.cli, lrtune.recommend.refine  # noqa: F401

_ask = optuna.study.Study.ask

def ask(self, *args, **kwargs):
    trial = _ask(self, *args, **kwargs)
    trial.set_user_attr("worker", os.environ["LRTUNE_TEST_WORKER"])
    time.sleep(float(os.environ.get("LRTUNE_TEST_DELAY", "0")))
    return trial

optuna.study.Study.ask = ask
if os.environ.get("LRTUNE_TEST_BARRIER"):
    folder, n = os.environ["LRTUNE_TEST_BARRIER"].rsplit(":", 1)
    (Path(folder) / (os.environ["LRTUNE_TEST_WORKER"] + ".ready")).touch()
    deadline = time.monotonic() + 120
    while len(list(Path(folder).glob("*.ready"))) < int(n) and time.monotonic() < deadline:
        time.sleep(0.01)
sys.argv = ["lrtune", *sys.argv[1:]]
lrtune.cli.main()
"""


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict[str, Path]:
    """A saved range test of a 4-epoch linear regression (4 steps an epoch) and the wrapper."""
    folder = tmp_path_factory.mktemp("pg-tune")
    model_py = folder / "model.py"
    model_py.write_text(MODEL_PY)
    config = FindConfig.create(num_iter=40, seed=0, device="cpu")
    result = find(model_py, config=config).save(folder / "result.json")
    wrapper = folder / "run_lrtune.py"
    wrapper.write_text(WRAPPER)
    return {"result": result, "model": model_py, "wrapper": wrapper}


def _start(saved, url: str, study: str, out: Path, worker: str, **env: str) -> subprocess.Popen:
    args = [
        sys.executable, str(saved["wrapper"]), "recommend", str(saved["result"]),
        "--model", str(saved["model"]), "--tune", "--trials", str(N_TRIALS), "--check", "0",
        "--budget", "8", "--storage", url, "--study-name", study, "--out", str(out),
    ]  # fmt: skip
    environ = {**os.environ, "OMP_NUM_THREADS": "1", "LRTUNE_TEST_WORKER": worker, **env}
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environ
    )


def _finish(proc: subprocess.Popen, timeout: float = 120) -> str:
    """Wait for ``proc``; assert it succeeded; return its stdout."""
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err[-3000:]
    return out


def _kill(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def _trials(url: str, study: str) -> list[dict]:
    storage = open_storage(url)
    try:
        trials = optuna.load_study(study_name=study, storage=storage).get_trials()
    finally:
        storage.engine.dispose()
    return [
        {
            "number": t.number,
            "params": t.params,
            "value": t.value,
            "state": t.state.name,
            "worker": t.user_attrs.get("worker"),
            "copy_of": t.user_attrs.get("copy_of"),
        }
        for t in trials
    ]


def _is_proposal(trial: dict, saved: dict[str, Path]) -> bool:
    """``trial`` ran the saved recommendation (the proposal, enqueued as the first trial)."""
    rec = json.loads(saved["result"].read_text())["recommendation"]
    lr, scheduler = trial["params"]["lr"], trial["params"]["scheduler"]
    return trial["state"] == "COMPLETE" and (lr, scheduler) == (rec["initial_lr"], rec["scheduler"])


def _check_result(out: Path, url: str, study: str, trials: list[dict]) -> dict:
    """The run's result.json is a whole recommendation made from the shared study."""
    search = json.loads((out / "result.json").read_text())["recommendation"]
    record = search["search"]
    assert record["storage"] == url and record["study_name"] == study
    assert record["n_trials"] >= N_TRIALS
    by_number = {t["number"]: t for t in trials}
    for t in record["trials"]:  # the run's view is a snapshot of the study in PostgreSQL
        if t["state"] == "complete":
            final = by_number[t["number"]]
            assert (t["params"], t["value"]) == (final["params"], final["value"])
    values = [t["value"] for t in record["trials"] if t["state"] == "complete"]
    assert record["best_value"] == min(values)
    assert search["scheduler"] in search["candidates"] and search["initial_lr"] > 0
    assert search["reasons"][-1]["rule"] == "optuna-refine"
    return record


# ---------------------------------------------------------------- the tests


def test_postgres_two_processes_share_one_study(postgres_url, saved, tmp_path):
    study = "shared"
    env = {"LRTUNE_TEST_BARRIER": f"{tmp_path}:2", "LRTUNE_TEST_DELAY": "0.3"}
    procs = [
        _start(saved, postgres_url, study, tmp_path / f"out-{w}", w, **env) for w in ("a", "b")
    ]
    try:
        for proc in procs:
            _finish(proc)
    finally:
        _kill(procs)
    trials = _trials(postgres_url, study)
    copies = [t for t in trials if t["copy_of"] is not None]
    finished = [t for t in trials if t["state"] in _FINISHED]
    # Each process stops once the study holds N finished trials; side by side they may
    # overshoot by one trial. Nothing is left running; the only failed trials are second
    # copies of the proposal (both processes saw an empty study), which did not train.
    assert N_TRIALS <= len(finished) <= N_TRIALS + 1
    assert len(finished) + len(copies) == len(trials)
    assert all(t["state"] == "FAIL" and t["copy_of"] == 0 for t in copies)
    assert [t["number"] for t in trials] == list(range(len(trials)))
    assert {t["worker"] for t in trials} == {"a", "b"}  # both processes ran trials
    assert _is_proposal(trials[0], saved)
    # no two trials ran the same parameters (the sampler is seeded by trial number)
    ran = [json.dumps(t["params"], sort_keys=True) for t in finished]
    assert len(set(ran)) == len(ran)
    # The trials are rows of PostgreSQL's own tables.
    engine = sqlalchemy.create_engine(postgres_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sqlalchemy.text(
                    "SELECT t.number, t.state FROM trials t JOIN studies s USING (study_id) "
                    "WHERE s.study_name = :name ORDER BY t.number"
                ),
                {"name": study},
            ).all()
    finally:
        engine.dispose()
    assert [(n, str(s)) for n, s in rows] == [(t["number"], t["state"]) for t in trials]
    for worker in ("a", "b"):
        _check_result(tmp_path / f"out-{worker}", postgres_url, study, trials)
    # one answer per study: the stored proposal, one decision (a race at most once)
    a, b = (
        json.loads((tmp_path / f"out-{w}" / "result.json").read_text())["recommendation"]
        for w in ("a", "b")
    )
    assert a["search"]["confirmation"] == b["search"]["confirmation"]
    assert (a["scheduler"], a["initial_lr"]) == (b["scheduler"], b["initial_lr"])


def test_postgres_killed_run_resumes(postgres_url, saved, tmp_path):
    study = "resume"
    # Each trial of the first run is held open 1 s, so the kill lands mid-search.
    storage = open_storage(postgres_url)
    first = _start(saved, postgres_url, study, tmp_path / "out-1", "first", LRTUNE_TEST_DELAY="1")
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert first.poll() is None, first.communicate()[1][-3000:]
            try:
                done = optuna.load_study(study_name=study, storage=storage).get_trials(
                    states=(optuna.trial.TrialState.COMPLETE,)
                )
            except KeyError:  # not created yet
                done = []
            if done:
                first.send_signal(signal.SIGKILL)
                break
            time.sleep(0.05)
        first.communicate(timeout=30)
    finally:
        _kill([first])
        storage.engine.dispose()
    assert first.returncode == -signal.SIGKILL
    killed = _trials(postgres_url, study)
    before = [t for t in killed if t["state"] in _FINISHED]
    assert 1 <= len(before) < N_TRIALS
    stale = [t for t in killed if t["state"] == "RUNNING"]  # the trial the kill interrupted
    assert len(before) + len(stale) == len(killed) and len(stale) <= 1
    assert _is_proposal(killed[0], saved)

    second = _start(saved, postgres_url, study, tmp_path / "out-2", "second")
    try:
        _finish(second)
    finally:
        _kill([second])
    resumed = _trials(postgres_url, study)
    finished = [t for t in resumed if t["state"] in _FINISHED]
    assert len(finished) == N_TRIALS  # one process: no overshoot
    # The finished trials are kept as they were; the interrupted one stays RUNNING, uncounted.
    assert resumed[: len(killed)] == killed
    new = resumed[len(killed) :]
    assert [t["worker"] for t in new] == ["second"] * (N_TRIALS - len(before))
    assert [t["number"] for t in resumed] == list(range(len(resumed)))
    params = [tuple(sorted(t["params"].items())) for t in finished]
    assert len(set(params)) == N_TRIALS  # nothing ran twice
    record = _check_result(tmp_path / "out-2", postgres_url, study, resumed)
    assert record["n_trials"] == N_TRIALS
    assert [t["number"] for t in record["trials"]] == [t["number"] for t in resumed]


OPEN_AT_ONCE = """\
import sys, time
from pathlib import Path

from lrtune.recommend.refine import open_storage

folder, n, url = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
(folder / f"{sys.argv[4]}.ready").touch()
while len(list(folder.glob("*.ready"))) < n:
    time.sleep(0.005)
open_storage(url).engine.dispose()
"""


def test_postgres_processes_opening_a_fresh_database_at_once_all_succeed(postgres_url, tmp_path):
    # Optuna checks, then creates its tables: processes that set up one fresh database at
    # the same moment collide (a unique violation) unless open_storage tries again.
    url = _create_database(postgres_url.rsplit("/", 1)[0], "fresh")
    script = tmp_path / "open.py"
    script.write_text(OPEN_AT_ONCE)
    n = 6
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), str(tmp_path), str(n), url, str(i)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(n)
    ]
    try:
        errors = [proc.communicate(timeout=120)[1] for proc in procs]
    finally:
        _kill(procs)
    assert [proc.returncode for proc in procs] == [0] * n, "\n".join(errors)[-3000:]
    assert "trials" in sqlalchemy.inspect(sqlalchemy.create_engine(url)).get_table_names()


def test_postgres_short_url_form_is_accepted(postgres_url):
    short = postgres_url.replace("postgresql://", "postgres://", 1)
    assert TuneConfig(storage=short).storage == postgres_url
    storage = open_storage(short)
    try:
        optuna.create_study(study_name="short-form", storage=storage, load_if_exists=True)
        assert "short-form" in [s.study_name for s in optuna.get_all_study_summaries(storage)]
    finally:
        storage.engine.dispose()
