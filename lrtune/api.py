"""The whole pipeline as one library call: :func:`find`.

range test → curve analysis → dataset statistics → rules → (optional) Optuna
refinement → code. The user's model, optimizer and RNG states are left untouched.

Example:
    >>> from lrtune import FindConfig, find
    >>> config = FindConfig.create(seed=0, num_iter=100)
    >>> result = find("examples/digits_cnn/model.py", config=config)  # doctest: +SKIP
    >>> result.recommendation.scheduler, result.recommendation.basis  # doctest: +SKIP
    ('onecycle', 'iteration')
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import torch

from lrtune import distributed
from lrtune._measure import (
    analyse_runs,
    first_sweep_readings,
    measure,
    patient_readings,
    read_runs,
    zoom_reason,
)
from lrtune._result_file import check_result_data
from lrtune._trained import train_stages
from lrtune.analysis import MIN_POINTS, CurveAnalysis
from lrtune.analysis.dataset import DatasetStats, dataset_stats
from lrtune.emit import FORMATS, TrainSettings, optimizer_kwargs, render_or_refusal
from lrtune.errors import ConfigError, Interrupted, ResultFileError
from lrtune.model_file import load_task
from lrtune.rangetest import RangeTestConfig, RangeTestResult, resolve_device
from lrtune.recommend import Context, Reason, Recommendation, recommend
from lrtune.recommend.zoom_race import disagree
from lrtune.schedules._base import check_number
from lrtune.state import deterministic_kernels
from lrtune.task import StepsLoader, Task, loader_length

__all__ = ["FindConfig", "FindResult", "find", "recommend_from_result", "load_result"]

logger = logging.getLogger(__name__)

RESULT_VERSION = 1

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FindConfig:
    """Every option of ``lrtune find`` (validated on construction).

    Attributes:
        range_test: the sweep and loop options.
        repeats: range tests from the same initial state with different data orders;
            the curves are averaged before analysis. One run can stray (a lucky data order
            that postpones the blow-up); three make the suggestion steady.
        zoom: over a flat-then-cliff curve, run the repeats again over a narrow range and
            read that (:mod:`lrtune._measure`); ``False`` reads the first sweep whatever it is.
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
    repeats: int = 3
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
        if isinstance(self.repeats, bool) or not isinstance(self.repeats, int) or self.repeats < 1:
            raise ConfigError(f"repeats: expected a positive int, got {self.repeats!r}.")
        if self.epochs is not None and (
            isinstance(self.epochs, bool) or not isinstance(self.epochs, int) or self.epochs < 1
        ):
            raise ConfigError(f"epochs: expected a positive int, got {self.epochs!r}.")
        if self.max_steps is not None and (
            isinstance(self.max_steps, bool)
            or not isinstance(self.max_steps, int)
            or self.max_steps < 1
        ):
            raise ConfigError(f"max_steps: expected a positive int, got {self.max_steps!r}.")
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
        path.write_text(json.dumps(_json_safe(self.to_dict()), indent=2) + "\n")
        return path


def _json_safe(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
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


def _optimizer_info(optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    defaults = optimizer.defaults
    betas = defaults.get("betas")
    _, changed = optimizer_kwargs(optimizer)
    return {
        "class": type(optimizer).__name__,
        "module": type(optimizer).__module__,
        "kwargs": _json_safe(changed),
        "momentum": float(defaults["momentum"]) if "momentum" in defaults else None,
        "beta1": float(betas[0]) if betas else None,
        "beta2": float(betas[1]) if betas else None,
        "weight_decay": float(defaults.get("weight_decay", 0.0) or 0.0),
        "heavy_ball": float(defaults.get("momentum", 0.0)),
    }


def find(
    task: Task | str | Path,
    *,
    config: FindConfig | None = None,
    progress: Progress | None = None,
) -> FindResult:
    """Run the range test(s), analyse, recommend a schedule, and render its code.

    Args:
        task: a :class:`Task` or the path of a model.py.
        config: options; defaults to :class:`FindConfig()`.
        progress: ``progress(phase, done, total)`` for the phases ``range-test``, ``zoom``,
            ``probe``, ``check`` and ``tune``.

    The task's model and the RNG states are exactly as before on return. With a seed
    (``FindConfig.create(seed=0)``, the CLI's default), cuDNN runs its deterministic
    algorithms meanwhile, so that the same seed gives the same result on a GPU too; the short
    runs after the range test (race, probe, check, search) are always seeded, and always run
    so.

    Inside a process group (``torchrun``), the range tests run the model in
    DistributedDataParallel over each rank's shard of the data, and the plan counts the
    global batch and the per-rank steps per epoch (``dataset.world_size``).
    """
    config = config or FindConfig()
    with deterministic_kernels(config.range_test.seed is not None):
        return _find(task, config, progress)


def _find(task: Task | str | Path, config: FindConfig, progress: Progress | None) -> FindResult:
    if config.tune is not None and distributed.is_distributed():
        raise ConfigError(
            "--tune is not available under torchrun (the search trains in one process): run "
            "the range test with torchrun, then tune with single-process workers sharing one "
            "study (docs/scaling.md)."
        )
    _check_storage(config)
    if not isinstance(task, Task):
        seed = config.range_test.seed
        task = load_task(task, seed=seed if seed is not None else 0)
    optimizer = task.make_optimizer(task.model.parameters(), config.range_test.start_lr)
    info = _optimizer_info(optimizer)
    runs, analysis = measure(
        task,
        optimizer,
        config.range_test,
        repeats=config.repeats,
        zoom=config.zoom,
        momentum=info["heavy_ball"],
        progress=progress,
    )
    stats = dataset_stats(
        task,
        epochs=config.epochs,
        device=str(resolve_device(config.range_test.device)),
        lr=analysis.suggested_lr,
        seed=config.range_test.seed or 0,
    )
    if distributed.is_distributed():
        shard = distributed.shard_loader(task.train_loader, seed=config.range_test.seed)
        stats = stats.for_ranks(distributed.world_size(), steps_per_epoch=loader_length(shard))
    stats = stats.with_accumulation(config.range_test.accumulation_steps)  # plan in updates
    updates = config.max_steps or (task.max_steps if config.epochs is None else None)
    if updates:  # a run given in updates (model.py's max_steps, --max-steps)
        stats = stats.with_max_steps(updates)
    result = FindResult(
        runs=runs,
        analysis=analysis,
        dataset=stats,
        source=str(Path(task.source).resolve()) if task.source else None,
        optimizer=info,
    )
    if result.interrupted:  # Ctrl-C: no check, no search after it; the rules alone, marked
        config = replace(config, tune=None, check=0.0)
    return recommend_from_result(
        result, task=task, config=config, optimizer=optimizer, progress=progress
    )


def recommend_from_result(
    result: FindResult,
    *,
    task: Task | None = None,
    config: FindConfig | None = None,
    optimizer: torch.optim.Optimizer | str | None = None,
    progress: Progress | None = None,
) -> FindResult:
    """(Re-)run the recommendation from a measured result, e.g. a saved result.json.

    ``config.epochs`` and ``config.scheduler`` override what was measured; ``config.tune``
    needs the ``task`` (the search trains it). Its storage is opened before any training.

    Raises:
        Interrupted: Ctrl-C during the horizon check or the search; its ``result`` is this
            function's result with the rules' proposal (and the finished trials' record).
    """
    config = config or FindConfig()
    stats = result.dataset
    if stats is not None and config.max_steps is not None:
        stats = stats.with_max_steps(config.max_steps)
    elif stats is not None and config.epochs is not None:
        stats = stats.with_epochs(config.epochs)
    steps_per_epoch, epochs = stats.plan if stats else (None, config.epochs)
    info = result.optimizer
    a = result.analysis
    ctx = Context(
        suggested_lr=a.suggested_lr,
        diverge_lr=a.diverge_lr,
        diverge_method=a.diverge_method,
        min_loss_lr=a.min_loss_lr,
        floor_lr=a.floor_lr,
        optimizer=info.get("class", "AdamW"),
        momentum=info.get("momentum"),
        beta2=info.get("beta2"),
        n_samples=stats.n_samples if stats else None,
        batch_size=stats.batch_size if stats else None,
        steps_per_epoch=steps_per_epoch,
        epochs=epochs,
        scheduler=config.scheduler,
    )
    rec = recommend(ctx)
    # after a zoom, the rules on the first sweep's readings too: the zoom race's other peak
    momentum = float(info.get("heavy_ball") or 0.0)
    first = first_sweep_readings(result.runs, a, momentum=momentum)
    other, race = None, "zoom"
    if first is not None:
        other = recommend(_with_readings(ctx, first))
    if other is None or not disagree(rec.initial_lr, other.initial_lr):
        # the patient reading of a blow-up within the batch noise: the noise race's peak
        patient = patient_readings(result.runs, momentum=momentum)
        if patient is not None:
            other, race = recommend(_with_readings(ctx, patient)), "noise"
    if task is not None and stats is not None and stats.max_steps:  # one "epoch" = the run
        task = replace(task, train_loader=StepsLoader(task.train_loader, stats.max_steps), epochs=1)
    read = read_runs(result.runs)  # the zoom's runs when there was one
    measured = (_repeats_reason(read),) if len(read) > 1 else ()
    if any(r.stage == "zoom" for r in result.runs):
        measured += (zoom_reason(result.runs),)
    rec = replace(rec, reasons=(*rec.reasons, *measured))
    if other is not None:
        other = replace(other, reasons=(*other.reasons, *measured))
    if config.tune is not None and task is None:
        raise ConfigError("--tune trains the model: pass the model.py (or Task) as well.")
    _check_storage(config)
    ranks = stats.world_size if stats is not None else 1
    if ranks > 1:  # the check and the search train in one process: not the planned run
        if config.tune is not None:
            raise ConfigError(
                f"--tune trains in one process, but this plan is for {ranks} ranks (torchrun); "
                "drop --tune, or share one study between single-process workers "
                "(docs/scaling.md)."
            )
        note = distributed.plan_reason(ranks, stats.batch_size, stats.steps_per_epoch)
        rec = replace(rec, reasons=(*rec.reasons, note))
    interrupted = False  # Ctrl-C in the probe, the check or the search: raise Interrupted
    if task is not None and ranks == 1:
        with deterministic_kernels():  # the short runs are seeded: the same bits on a GPU too
            rec, interrupted = train_stages(
                task,
                rec,
                other=other,
                race=race,
                analysis=a,
                stats=stats,
                full_batch_gd=ctx.deterministic_gd,
                probe=config.probe,
                check=config.check,
                tune=config.tune,
                device=str(resolve_device(config.range_test.device)),
                seed=config.range_test.seed or 0,
                progress=progress,
            )
    opt_for_code = optimizer or _optimizer_from_info(info)
    train = TrainSettings.from_stats(stats, max_grad_norm=config.range_test.clip_grad_norm)
    code = {
        fmt: render_or_refusal(  # a format with no exact form: its one-line refusal
            rec.schedule,
            fmt,
            optimizer=opt_for_code,
            steps_per_epoch=rec.steps_per_epoch,
            epochs=rec.epochs,
            train=train,
        )
        for fmt in config.formats
    }
    if ranks > 1:  # JSON has no comments; its plan is in result.json's dataset part
        header = distributed.code_note(ranks, stats.batch_size, stats.steps_per_epoch)
        code = {fmt: text if fmt == "json" else header + text for fmt, text in code.items()}
    final = replace(result, dataset=stats, recommendation=rec, code=code)
    if interrupted:
        raise Interrupted(final)
    return final


def _with_readings(ctx: Context, reading: CurveAnalysis) -> Context:
    """``ctx`` with another reading of the curve: a race's other candidate."""
    return replace(
        ctx,
        suggested_lr=reading.suggested_lr,
        diverge_lr=reading.diverge_lr,
        diverge_method=reading.diverge_method,
        floor_lr=reading.floor_lr,
        min_loss_lr=reading.min_loss_lr,
    )


def _check_storage(config: FindConfig) -> None:
    """Open the ``--tune`` storage before any training: a bad one costs seconds, not a run."""
    if config.tune is not None and config.tune.storage is not None:
        from lrtune.recommend._storage import validate_storage

        validate_storage(config.tune.storage)


def _repeats_reason(runs: tuple[RangeTestResult, ...]) -> Reason:
    """How the repeated range tests sampled the run-to-run variance."""
    n = len(runs)
    if any(run.fresh_init for run in runs):
        how = (
            f"{n} range tests, each from its own initialisation and data order (model.py's "
            "model is a function, called with each seed)"
        )
    else:
        how = (
            f"{n} range tests from the same initial weights with their own data orders (the "
            "initialisation is fixed: model.py's model is an object; define it as a function "
            "to vary it too)"
        )
    return Reason(
        "repeats",
        how + "; the curve read is their median step by step and the floor their floors "
        "pooled, so one stray run cannot carry either.",
        "fastai issue #3295, torch-lr-finder #106 (finder suggestions vary between runs)",
    )


def _optimizer_from_info(info: dict[str, Any]) -> torch.optim.Optimizer | str:
    """Rebuild the user's optimizer (class and non-default settings) from result.json.

    Falls back to the class name (or ``"adamw"``) when the class cannot be imported.
    """
    import importlib

    try:
        module = importlib.import_module(info["module"])
        cls = getattr(module, info["class"])
        kwargs = {
            k: tuple(v) if isinstance(v, list) else v for k, v in info.get("kwargs", {}).items()
        }
        return cls([torch.zeros(1, requires_grad=True)], lr=1e-3, **kwargs)
    except Exception:  # an old or foreign result: keep the family at least
        name = str(info.get("class", "AdamW")).lower()
        return name if name in ("adamw", "adam", "sgd") else "adamw"
