"""Tests for lrtune.recommend._storage: accepted forms, opened before training, passwords masked."""

from __future__ import annotations

import socket
import time

import pytest

from lrtune.errors import ConfigError
from lrtune.recommend import _storage
from lrtune.recommend._storage import normalize_storage, open_storage, redact, validate_storage
from lrtune.recommend.refine import TuneConfig


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://me:s3cr3t@db:5432/lrtune", "postgresql://me:***@db:5432/lrtune"),
        ("mysql://root:s3cr3t@db/x", "mysql://root:***@db/x"),
        ("postgresql://me:p@ss/w0rd@db/x", "postgresql://me:***@db/x"),  # raw "@" and "/"
        ("redis://:s3cr3t@cache:6379", "redis://:***@cache:6379"),
        ("postgresql://db/x?user=me&password=s3cr3t", "postgresql://db/x?user=me&password=***"),
        ("postgresql://me@db/x", "postgresql://me@db/x"),  # no password: unchanged
        ("sqlite:////tmp/tune.db", "sqlite:////tmp/tune.db"),
    ],
)
def test_redact_masks_every_password_form(url, shown):
    assert redact(url) == shown
    assert redact(f"error: cannot reach {url} now", url) == f"error: cannot reach {shown} now"


def test_redact_masks_the_password_echoed_elsewhere():
    url = "postgresql://me:hunter2pw@db/x"
    assert redact('driver said: password "hunter2pw" rejected', url) == (
        'driver said: password "***" rejected'
    )


def test_storage_postgres_short_form_is_normalized():
    assert normalize_storage("postgres://me@db/x") == "postgresql://me@db/x"
    assert normalize_storage("postgres+psycopg2://me@db/x") == "postgresql+psycopg2://me@db/x"
    assert TuneConfig(storage="postgres://me@db/x").storage == "postgresql://me@db/x"


def test_storage_unsupported_url_is_refused_with_its_password_masked():
    with pytest.raises(ConfigError) as info:
        TuneConfig(storage="mysql://root:s3cr3tpw@db/lrtune")
    message = str(info.value)
    assert "s3cr3tpw" not in message and "mysql://root:***@db/lrtune" in message
    assert "expected sqlite:///path.db, postgresql://user@host/db" in message


@pytest.mark.parametrize("kind", ["missing-folder", "corrupt-sqlite", "corrupt-journal"])
def test_storage_that_cannot_be_opened_is_one_line_config_error(tmp_path, kind):
    if kind == "missing-folder":
        url = f"sqlite:///{tmp_path / 'missing' / 'tune.db'}"
    elif kind == "corrupt-sqlite":
        (tmp_path / "tune.db").write_bytes(b"not a database" * 100)
        url = f"sqlite:///{tmp_path / 'tune.db'}"
    else:
        (tmp_path / "tune.log").write_text("garbage\n{not json\n")
        url = str(tmp_path / "tune.log")
    with pytest.raises(ConfigError) as info:
        validate_storage(url)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"storage: cannot open {url}: ")
    assert "check that its folder exists" in message


@pytest.fixture
def silent_server():
    """A TCP port that accepts connections and never answers (a hung or black-holed host)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


@pytest.mark.parametrize("driver", ["postgresql", "postgres", "postgresql+psycopg2"])
def test_storage_silent_postgres_server_fails_fast_without_the_password(
    silent_server, monkeypatch, driver
):
    pytest.importorskip("psycopg2" if "psycopg2" in driver else "psycopg")
    monkeypatch.setattr(_storage, "CONNECT_TIMEOUT_S", 1)
    url = f"{driver}://me:s3cr3tpw@127.0.0.1:{silent_server}/lrtune"
    start = time.monotonic()
    with pytest.raises(ConfigError) as info:
        validate_storage(url)
    assert time.monotonic() - start < 10  # the connect timeout, not minutes of TCP retries
    message = str(info.value)
    assert "s3cr3tpw" not in message and "me:***@127.0.0.1" in message
    assert "time out after 1 s" in message and "\n" not in message


def test_open_storage_in_memory_and_journal(tmp_path):
    assert type(open_storage(None)).__name__ == "InMemoryStorage"
    assert type(open_storage(str(tmp_path / "tune.log"))).__name__ == "JournalStorage"
