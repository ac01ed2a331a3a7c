"""Trust checks on a saved result.json: its format version, its parts, its model.py.

A file from another lrtune version, or with a part removed, is refused with a message that
names what is wrong, instead of silently planning another run.

Example:
    >>> check_result_data({"lrtune_result": 99}, "r.json")
    Traceback (most recent call last):
    ...
    lrtune.errors.ResultFileError: r.json: lrtune_result 99 is a format this lrtune does not read (it reads version 1); re-run `lrtune find` with this lrtune to write a new result.json.
"""  # noqa: E501

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lrtune.errors import ResultFileError

if TYPE_CHECKING:
    from lrtune.api import FindResult

__all__ = ["SUPPORTED_VERSIONS", "check_result_data", "tune_source"]

#: The ``lrtune_result`` format versions this lrtune reads.
SUPPORTED_VERSIONS = (1,)

# part -> (what it must be, may it be null): the measured inputs of a recommendation must be
# there; ``recommendation`` and ``code`` are outputs, recomputed by ``lrtune recommend``.
_PARTS: dict[str, tuple[type, bool]] = {
    "source": (str, True),
    "optimizer": (dict, False),
    "range_test": (list, False),
    "analysis": (dict, False),
    "dataset": (dict, False),
    "recommendation": (dict, True),
    "code": (dict, True),
}
_KINDS = {str: "a string", dict: "an object", list: "a list"}


def check_result_data(data: Any, path: str | Path) -> None:
    """Raise :class:`ResultFileError` unless ``data`` is a whole result.json of a known version."""
    if not isinstance(data, dict) or "lrtune_result" not in data:
        raise ResultFileError(
            f"{path}: not an lrtune result (no 'lrtune_result' key); pass the result.json "
            "that `lrtune find` wrote."
        )
    version = data["lrtune_result"]
    if isinstance(version, bool) or version not in SUPPORTED_VERSIONS:
        known = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        raise ResultFileError(
            f"{path}: lrtune_result {version!r} is a format this lrtune does not read (it reads "
            f"version {known}); re-run `lrtune find` with this lrtune to write a new result.json."
        )
    for part, (kind, nullable) in _PARTS.items():
        value = data.get(part)
        if part not in data or (value is None and not nullable):
            raise ResultFileError(
                f"{path}: the '{part}' part is missing; re-run `lrtune find` to write a whole "
                "result.json (a result without it would plan another run)."
            )
        if value is not None and not isinstance(value, kind):
            raise ResultFileError(
                f"{path}: the '{part}' part is {type(value).__name__}, expected {_KINDS[kind]}; "
                "re-run `lrtune find` to write a new result.json."
            )
    if not data["range_test"]:
        raise ResultFileError(
            f"{path}: the 'range_test' part is empty; re-run `lrtune find` to measure a curve."
        )


def tune_source(saved: FindResult, result_json: str | Path, model_py: str | None) -> str:
    """The model.py ``lrtune recommend --tune`` trains: ``--model``, else the saved ``source``.

    Raises:
        ResultFileError: no ``--model`` and the saved source is missing or not a file.
    """
    if model_py:
        return model_py
    if not saved.source:
        raise ResultFileError(
            f"{result_json}: records no model.py ('source' is null); --tune trains the model: "
            "pass --model path/to/model.py"
        )
    if not Path(saved.source).is_file():
        raise ResultFileError(
            f"{result_json}: its model.py {saved.source} was not found; --tune trains the "
            "model: pass --model path/to/model.py"
        )
    return saved.source
