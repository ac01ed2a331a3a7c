"""Errors lrtune raises. Every one derives from :class:`LrtuneError`.

The CLI prints an ``LrtuneError`` as one line (no traceback) and exits 1, so each
message names the problem *and* the fix.
"""

from __future__ import annotations

__all__ = [
    "LrtuneError",
    "ConfigError",
    "ModelFileError",
    "TaskContractError",
    "EmptyLoaderError",
    "DivergedAtStartError",
    "CurveError",
    "InterruptedCurveError",
    "UnknownSchedulerError",
    "ResultFileError",
    "OutputError",
    "Interrupted",
]


class LrtuneError(Exception):
    """Base class of every error lrtune raises on purpose (the CLI exits with ``exit_code``)."""

    exit_code: int = 1


class ConfigError(LrtuneError, ValueError):
    """An option has an invalid value ("expected X, got Y")."""


class ModelFileError(LrtuneError):
    """model.py is missing, does not compile, or fails to import."""


class TaskContractError(LrtuneError):
    """model.py loaded but breaks the contract (missing names, wrong types, bad batches)."""


class EmptyLoaderError(TaskContractError):
    """A data loader yielded no batch."""


class DivergedAtStartError(LrtuneError):
    """The loss was not finite from the first step of the range test."""


class CurveError(LrtuneError, ValueError):
    """The range-test curve cannot be read: too few points, or a blow-up too early."""


class InterruptedCurveError(CurveError):
    """Ctrl-C stopped the range test before it measured enough to read (exit status 130)."""

    exit_code = 130


class UnknownSchedulerError(LrtuneError, KeyError):
    """A scheduler name is not in the registry; the message lists the valid names."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it a plain line
        return str(self.args[0]) if self.args else ""


class ResultFileError(LrtuneError):
    """A saved result file is missing, not JSON, or not an lrtune result."""


class OutputError(LrtuneError):
    """The report folder or ``--json`` cannot be written (checked before any training)."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during the horizon check or the ``--tune`` search; not an error (exit 130).

    ``result`` is what the interrupted call would have returned, as far as it got:
    ``refine`` gives the proposal with the finished trials' search record, ``find`` and
    ``recommend_from_result`` the whole result with the rules' recommendation. It is a
    ``KeyboardInterrupt``, so code that does not look for it still stops.
    """

    def __init__(self, result: object) -> None:
        super().__init__("interrupted")
        self.result = result
