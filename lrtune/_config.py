"""``find``'s options: :class:`FindConfig`, validated on construction.

Example:
    >>> config = FindConfig.create(seed=0, num_iter=50, repeats=2)
    >>> config.range_test.num_iter, config.repeats, config.probe
    (50, 2, True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lrtune.analysis import MIN_POINTS
from lrtune.emit import FORMATS
from lrtune.errors import ConfigError
from lrtune.rangetest import RangeTestConfig
from lrtune.schedules._base import check_number, check_positive_int

__all__ = ["FindConfig", "Progress"]

#: The callback ``find`` reports its progress to: ``(phase, done, total)`` (the CLI draws it
#: as bars).
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FindConfig:
    """Every option of ``lrtune find`` (validated on construction).

    Attributes:
        range_test: the sweep and loop options.
        repeats: range tests, each with its own data order (and initialisation, given a
            factory), combined step by step into their median before analysis. One run can
            stray (a lucky data order that postpones the blow-up); with four, the median is
            the mean of the middle two, steadier than three's middle run (candidate (64) in
            docs/suggestion.md).
        zoom: over a flat-then-cliff curve, run the repeats again over a narrow range, and
            over a flat curve one sweep as long as the planned run, and read that
            (:mod:`lrtune._measure`); ``False`` reads the first sweep whatever it is.
        probe: train the proposal's first 20% and halve a peak that blows up
            (:mod:`lrtune.recommend.probe`; needs the task's ``val_loader``).
        epochs: planned training length (overrides model.py's ``epochs`` and ``max_steps``).
        max_steps: planned training length in optimizer updates (overrides everything else;
            planned on the iteration basis).
        scheduler: force a scheduler type instead of the rules' choice.
        tune: an Optuna refinement config, or ``None`` for the rules alone.
        check: the fraction of the planned run the horizon check trains (needs the task's
            ``val_loader`` and a window of at least 6 epochs; 0: off). It runs when the rules
            warn of overfitting (many passes over small data), and always before a search;
            with ``tune``, it is part of the search budget and must be below it.
        formats: code formats to render into ``FindResult.code``.
    """

    range_test: RangeTestConfig = field(default_factory=RangeTestConfig)
    repeats: int = 4
    zoom: bool = True
    probe: bool = True
    epochs: int | None = None
    max_steps: int | None = None
    scheduler: str | None = None
    tune: Any = None  # lrtune.recommend.refine.TuneConfig (optuna is imported lazily)
    check: float = 0.4
    formats: tuple[str, ...] = ("torch",)

    def __post_init__(self) -> None:
        _check_num_iter(self.range_test.num_iter)
        check_positive_int("repeats", self.repeats)
        if self.epochs is not None:
            check_positive_int("epochs", self.epochs)
        if self.max_steps is not None:
            check_positive_int("max_steps", self.max_steps)
        check_number("check", self.check, low=0.0, high=1.0)
        if self.tune is not None and self.check >= self.tune.budget:
            raise ConfigError(
                f"check: expected less than the budget ({self.tune.budget:g}) so trials get a "
                f"share, got {self.check:g}; lower --check or raise --budget"
            )
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise ConfigError(f"formats: expected some of {', '.join(FORMATS)}, got {unknown}.")

    @classmethod
    def create(cls, *, seed: int | None = None, **options: Any) -> FindConfig:
        """Build from flat keyword options: range-test fields go to ``range_test``.

        Example:
            >>> FindConfig.create(num_iter=50, repeats=2).range_test.num_iter
            50
        """
        if isinstance(options.get("num_iter"), int):
            _check_num_iter(options["num_iter"])  # before the sweep's own, lower, minimum
        rt_fields = RangeTestConfig.__dataclass_fields__
        rt = {k: v for k, v in options.items() if k in rt_fields and v is not None}
        rest = {k: v for k, v in options.items() if k not in rt_fields}
        return cls(range_test=RangeTestConfig(seed=seed, **rt), **rest)


def _check_num_iter(num_iter: int) -> None:
    """``find`` analyses the curve, which needs MIN_POINTS steps: refuse fewer before training."""
    if num_iter < MIN_POINTS:
        raise ConfigError(
            f"num_iter: expected >= {MIN_POINTS} (the curve analysis reads at least "
            f"{MIN_POINTS} points), got {num_iter}; raise --num-iter (default 100)."
        )
