"""result.json: :class:`FindResult` (what ``find`` measured and decided), its saving and
loading, and the trust checks on a saved file: its format version, its parts, its model.py.

A file from another lrtune version, or with a part removed, is refused with a message that
names what is wrong, instead of silently planning another run.

Example:
    >>> check_result_data({"lrtune_result": 99}, "r.json")
    Traceback (most recent call last):
    ...
    lrtune.errors.ResultFileError: r.json: lrtune_result 99 is a format this lrtune does not read (it reads version 1); re-run `lrtune find` with this lrtune to write a new result.json.
"""  # noqa: E501

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lrtune._readings import analyse_runs
from lrtune.analysis import CurveAnalysis
from lrtune.analysis.dataset import DatasetStats
from lrtune.errors import ResultFileError
from lrtune.rangetest import RangeTestResult
from lrtune.recommend import Recommendation

__all__ = [
    "RESULT_VERSION",
    "SUPPORTED_VERSIONS",
    "FindResult",
    "check_result_data",
    "json_safe",
    "load_result",
    "tune_source",
]

#: The ``lrtune_result`` format version this lrtune writes...
RESULT_VERSION = 1
#: ...and the versions it reads.
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


@dataclass(frozen=True)
class FindResult:
    """Everything ``find`` measured and decided; ``to_dict`` is result.json."""

    runs: tuple[RangeTestResult, ...]
    analysis: CurveAnalysis
    dataset: DatasetStats | None = None
    recommendation: Recommendation | None = None
    code: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    optimizer: dict[str, Any] = field(default_factory=dict)

    @property
    def interrupted(self) -> bool:
        """Ctrl-C stopped the range test: the analysis reads the curve measured so far."""
        return bool(self.runs) and self.runs[-1].stop_reason == "interrupted"

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (docs/result-json.md)."""
        return {
            "lrtune_result": RESULT_VERSION,
            "source": self.source,
            "optimizer": self.optimizer,
            "range_test": [run.to_dict() for run in self.runs],
            "analysis": self.analysis.to_dict(),
            "dataset": self.dataset.to_dict() if self.dataset else None,
            "recommendation": self.recommendation.to_dict() if self.recommendation else None,
            "code": dict(self.code),
        }

    def save(self, path: str | Path) -> Path:
        """Write result.json (parents created). NaN/inf are written as null."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(json_safe(self.to_dict()), indent=2) + "\n")
        return path


def json_safe(value: Any) -> Any:
    """``value`` with every non-finite float as ``None`` (JSON has no NaN or inf)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    return value


def load_result(path: str | Path) -> FindResult:
    """Read a result.json written by :meth:`FindResult.save`.

    Raises:
        ResultFileError: missing, not JSON, not an lrtune result, a format version this
            lrtune does not read, or a required part missing.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise ResultFileError(f"{path}: no such file; run `lrtune find model.py` first.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultFileError(
            f"{path}: not a JSON file ({exc}); re-run `lrtune find` to write a new one."
        ) from None
    check_result_data(data, path)  # version and parts: refused, never silently replanned
    try:
        runs = tuple(RangeTestResult.from_dict(r) for r in data["range_test"])
        momentum = float(data.get("optimizer", {}).get("momentum") or 0.0)
        analysis = analyse_runs(runs, momentum=momentum)
        dataset = DatasetStats.from_dict(data["dataset"]) if data.get("dataset") else None
        rec = data.get("recommendation")
        recommendation = Recommendation.from_dict(rec) if rec else None
    except ResultFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ResultFileError(
            f"{path}: corrupt lrtune result ({type(exc).__name__}: {exc}); re-run `lrtune find`."
        ) from None
    return FindResult(
        runs=runs,
        analysis=analysis,
        dataset=dataset,
        recommendation=recommendation,
        code=dict(data.get("code") or {}),
        source=data.get("source"),
        optimizer=dict(data.get("optimizer") or {}),
    )


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
