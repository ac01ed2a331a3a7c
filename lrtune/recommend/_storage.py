"""Optuna storages for ``--storage``: the accepted forms, opening them, and masking passwords.

A storage is checked (opened, its tables read) before any training, so a corrupt SQLite file,
a missing folder or an unreachable server costs seconds, not a range test. Database
connections give up after :data:`CONNECT_TIMEOUT_S` seconds, and every message that shows a
URL shows it with the password replaced by ``***``.

Example:
    >>> normalize_storage("postgres://me:secret@db.example.org/lrtune")
    'postgresql://me:secret@db.example.org/lrtune'
    >>> redact("postgresql://me:secret@db.example.org/lrtune")
    'postgresql://me:***@db.example.org/lrtune'
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from lrtune.errors import ConfigError

__all__ = [
    "CONNECT_TIMEOUT_S",
    "normalize_storage",
    "check_storage",
    "open_storage",
    "validate_storage",
    "redact",
]

#: Seconds a database connection may take before the storage counts as unreachable.
CONNECT_TIMEOUT_S = 5

RDB_PREFIXES = ("sqlite:///", "postgresql://", "postgresql+")
JOURNAL_SUFFIXES = (".log", ".jsonl")
#: Tries at opening a database that other processes may be setting up at the same moment.
_OPEN_TRIES = 5
# user:password@ up to the last "@" before any query: a raw "@" or "/" in a password is masked too
_USERINFO = re.compile(r"(?P<head>\b[A-Za-z][\w+.-]*://[^:/@\s]*):(?P<password>[^\s?#]*)@")
_PASSWORD_PARAM = re.compile(r"(?P<head>\bpassword=)[^&\s]*", re.IGNORECASE)


def normalize_storage(storage: str) -> str:
    """``postgres://`` (Heroku's and libpq's short form) as SQLAlchemy's ``postgresql://``."""
    for short, full in (("postgres://", "postgresql://"), ("postgres+", "postgresql+")):
        if storage.startswith(short):
            return full + storage[len(short) :]
    return storage


def is_journal(storage: str) -> bool:
    """Whether ``storage`` names a journal file (not a database URL)."""
    return storage.endswith(JOURNAL_SUFFIXES) and not storage.startswith(RDB_PREFIXES)


def check_storage(storage: Any) -> None:
    """Raise :class:`ConfigError` unless ``storage`` has an accepted form (nothing is opened).

    Example:
        >>> check_storage("mysql://me:secret@db/lrtune")
        Traceback (most recent call last):
        ...
        lrtune.errors.ConfigError: storage: expected sqlite:///path.db, postgresql://user@host/db, or a journal file path ending in .log or .jsonl, got 'mysql://me:***@db/lrtune'
    """  # noqa: E501
    ok = isinstance(storage, str) and (
        storage.startswith(RDB_PREFIXES)
        and len(storage) > len("sqlite:///")
        or storage.endswith(JOURNAL_SUFFIXES)
    )
    if not ok:
        shown = repr(redact(storage)) if isinstance(storage, str) else repr(storage)
        raise ConfigError(
            "storage: expected sqlite:///path.db, postgresql://user@host/db, or a journal file "
            f"path ending in .log or .jsonl, got {shown}"
        )


def open_storage(storage: str | None) -> Any:
    """The Optuna storage for a URL or journal path (``None``: in memory).

    ``postgres://`` is read as ``postgresql://``; a PostgreSQL connection gives up after
    :data:`CONNECT_TIMEOUT_S` seconds unless the URL sets its own ``connect_timeout``.

    Raises:
        ConfigError: an unsupported form, or the database or file cannot be opened or read
            (the message names the storage, its password masked).

    Example:
        >>> type(open_storage(None)).__name__
        'InMemoryStorage'
    """
    import optuna

    if storage is None:
        return optuna.storages.InMemoryStorage()
    storage = normalize_storage(storage)
    check_storage(storage)
    try:
        if is_journal(storage):
            from optuna.storages.journal import JournalFileBackend

            return optuna.storages.JournalStorage(JournalFileBackend(storage))
        return _open_rdb(storage)
    except Exception as exc:
        raise ConfigError(
            f"storage: cannot open {redact(storage)}: {describe(exc, storage)}; {_hint(storage)}"
        ) from None


def validate_storage(storage: str | None) -> None:
    """Open ``storage`` and read it, then let it go: call before any training.

    Raises:
        ConfigError: as :func:`open_storage`.
    """
    close_storage(open_storage(storage))


def describe(exc: BaseException, url: str | None = None) -> str:
    """``Type: first line`` of ``exc``, with any password of ``url`` masked."""
    text = str(exc).strip()
    detail = text.splitlines()[0] if text else ""
    return redact(f"{type(exc).__name__}: {detail}".rstrip(": "), url)


def _hint(storage: str) -> str:
    if storage.startswith("sqlite:///") or is_journal(storage):
        kind = "an SQLite database" if storage.startswith("sqlite:///") else "an Optuna journal"
        return f"check that its folder exists and that the file is {kind} (or use a new file)"
    return (
        f"check that the server is running and reachable (connections time out after "
        f"{CONNECT_TIMEOUT_S} s) and that the user, password and database are right"
    )


def _open_rdb(url: str) -> Any:
    """``RDBStorage(url)``, tried again after a short random pause when another process
    created Optuna's tables at the same moment (its schema set-up checks, then creates: on a
    fresh PostgreSQL database two such processes collide with a unique violation)."""
    import random
    import time

    import optuna
    import sqlalchemy.exc

    kwargs: dict[str, Any] = {}
    if url.startswith("postgresql") and "connect_timeout" not in url:
        # psycopg2 and psycopg (libpq) both take it; without it a silent host costs minutes
        kwargs["engine_kwargs"] = {"connect_args": {"connect_timeout": CONNECT_TIMEOUT_S}}
    for _ in range(_OPEN_TRIES - 1):
        try:
            return optuna.storages.RDBStorage(url, **kwargs)
        except (sqlalchemy.exc.IntegrityError, sqlalchemy.exc.ProgrammingError):
            time.sleep(random.uniform(0.05, 0.3))
    return optuna.storages.RDBStorage(url, **kwargs)


def close_storage(storage: Any) -> None:
    """Release a storage's database connections (a no-op for the other kinds)."""
    engine = getattr(storage, "engine", None)
    if engine is not None:
        engine.dispose()


def redact(text: str, url: str | None = None) -> str:
    """``text`` with every URL password (and ``password=`` parameter) replaced by ``***``.

    With ``url``, its password is also masked wherever else it appears in ``text`` (a driver
    may echo it), as written and percent-decoded.

    Example:
        >>> redact("cannot reach mysql://root:p%40ss@db:3306/x?password=p@ss", "mysql://root:p%40ss@db")
        'cannot reach mysql://root:***@db:3306/x?password=***'
    """  # noqa: E501
    secrets = []
    if url:
        match = _USERINFO.search(url)
        if match and match["password"]:
            secrets = [match["password"], unquote(match["password"])]
    text = _USERINFO.sub(lambda m: f"{m['head']}:***@", text)
    text = _PASSWORD_PARAM.sub(lambda m: f"{m['head']}***", text)
    for secret in sorted(set(secrets), key=len, reverse=True):
        if len(secret) >= 3:  # a very short one would mask innocent text
            text = text.replace(secret, "***")
    return text
