"""The search settings of ``refine`` (:class:`TuneConfig`), checked on construction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lrtune.errors import ConfigError
from lrtune.recommend._storage import check_storage, normalize_storage
from lrtune.schedules._base import check_choice, check_number

__all__ = ["Pruner", "TuneConfig"]

Pruner = Literal["median", "hyperband", "none"]

_PRUNERS = ("median", "hyperband", "none")
_DEFAULT_STUDY = "lrtune"


@dataclass(frozen=True, kw_only=True)
class TuneConfig:
    """How much to search and where to keep the study.

    Attributes:
        n_trials: finished trials (complete or pruned) the study should hold, the proposal
            included; trials already in a resumed study count.
        budget: total optimizer steps of the search (and of the horizon check before it,
            see ``refine``'s ``spent``), as a fraction of the planned training
            (``epochs × steps_per_epoch``); 0 < budget ≤ 10. Never exceeded: when it cannot
            give every trial ``min(64, steps_per_epoch)`` steps and 3.75% of the run (the
            race 4× that), fewer trials run, or none.
        seeds: training runs per trial (different data order and dropout); the trial's value
            is their mean validation loss. The confirmation race runs ``max(2, seeds)``.
        storage: ``None`` (in memory), an ``sqlite:///path.db`` or ``postgresql://…`` URL
            (``postgres://`` is read as ``postgresql://``), or a journal file path ending in
            ``.log`` or ``.jsonl``.
        study_name: the study's name in the storage (``None``: ``"lrtune"``); runs with the
            same storage and name share (and resume) one study.
        pruner: ``"median"``, ``"hyperband"`` or ``"none"``.
        sampler_seed: seed of the TPE sampler (``None``: not reproducible).

    Example:
        >>> TuneConfig(n_trials=16, budget=0.5, storage="sqlite:///tune.db").study_name
        'lrtune'
        >>> TuneConfig(budget=0)
        Traceback (most recent call last):
        ...
        lrtune.errors.ConfigError: budget: expected a number > 0 and <= 10, got 0
    """

    n_trials: int = 8
    budget: float = 1.0
    seeds: int = 1
    storage: str | None = None
    study_name: str | None = None
    pruner: Pruner = "median"
    sampler_seed: int | None = 0

    def __post_init__(self) -> None:
        check_number("n_trials", self.n_trials, low=1, integer=True)
        check_number("budget", self.budget, low=0.0, low_open=True, high=10.0)
        check_number("seeds", self.seeds, low=1, integer=True)
        check_choice("pruner", self.pruner, _PRUNERS)
        if self.study_name is None:
            object.__setattr__(self, "study_name", _DEFAULT_STUDY)
        elif not isinstance(self.study_name, str) or not self.study_name:
            raise ConfigError(f"study_name: expected a non-empty string, got {self.study_name!r}")
        if self.sampler_seed is not None:
            check_number("sampler_seed", self.sampler_seed, low=0, integer=True)
        if isinstance(self.storage, str):
            object.__setattr__(self, "storage", normalize_storage(self.storage))
        if self.storage is not None:
            check_storage(self.storage)
