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

import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

import torch

from lrtune import distributed
from lrtune._config import FindConfig, Progress
from lrtune._measure import measure
from lrtune._readings import (
    blowup_lr,
    first_sweep_readings,
    first_sweep_trigger,
    patient_readings,
    read_runs,
)
from lrtune._result_file import FindResult, json_safe, load_result
from lrtune._sweep_reasons import second_sweep_reason
from lrtune._trained import train_stages
from lrtune.analysis import CurveAnalysis
from lrtune.analysis.dataset import DatasetStats, dataset_stats
from lrtune.emit import TrainSettings, optimizer_kwargs, render_or_refusal
from lrtune.errors import ConfigError, Interrupted
from lrtune.model_file import load_task
from lrtune.rangetest import RangeTestResult, resolve_device
from lrtune.recommend import Context, Reason, recommend
from lrtune.recommend.zoom_race import disagree
from lrtune.state import deterministic_kernels
from lrtune.task import StepsLoader, Task, loader_length

__all__ = ["FindConfig", "FindResult", "find", "recommend_from_result", "load_result"]

logger = logging.getLogger(__name__)


def _optimizer_info(optimizer: torch.optim.Optimizer) -> dict[str, Any]:
    defaults = optimizer.defaults
    betas = defaults.get("betas")
    _, changed = optimizer_kwargs(optimizer)
    return {
        "class": type(optimizer).__name__,
        "module": type(optimizer).__module__,
        "kwargs": json_safe(changed),
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
            ``long-sweep``, ``probe``, ``check`` and ``tune``.

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
    rank_steps = None  # under torchrun: each rank's batches per epoch, from its shard
    if distributed.is_distributed():
        shard = distributed.shard_loader(task.train_loader, seed=config.range_test.seed)
        rank_steps = loader_length(shard)
    epochs = config.epochs if config.epochs is not None else task.epochs
    outline = DatasetStats(steps_per_epoch=task.steps_per_epoch)
    if epochs is not None:
        outline = outline.with_epochs(epochs)  # the run's length, before anything is measured
    runs, analysis = measure(
        task,
        optimizer,
        config.range_test,
        repeats=config.repeats,
        zoom=config.zoom,
        momentum=info["heavy_ball"],
        planned_updates=_as_planned(outline, task, config, rank_steps).total_steps,
        progress=progress,
    )
    stats = dataset_stats(
        task,
        epochs=config.epochs,
        device=str(resolve_device(config.range_test.device)),
        lr=analysis.suggested_lr,
        seed=config.range_test.seed or 0,
    )
    stats = _as_planned(stats, task, config, rank_steps)
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
        rebound_lr=a.rebound_lr,
        blowup_lr=blowup_lr(result.runs),
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
        noisy = first_sweep_trigger(result.runs, momentum=momentum) == "noise"
        race = "noise-zoom" if noisy else "zoom"
    if other is None or not disagree(rec.initial_lr, other.initial_lr):
        # the patient reading of a blow-up within the batch noise: the noise race's peak
        patient = patient_readings(result.runs, momentum=momentum)
        if patient is not None:
            other, race = recommend(_with_readings(ctx, patient)), "noise"
    if task is not None and stats is not None and stats.max_steps:  # one "epoch" = the run
        task = replace(task, train_loader=StepsLoader(task.train_loader, stats.max_steps), epochs=1)
    read = read_runs(result.runs)  # the zoom's runs when there was one
    measured = (_repeats_reason(read),) if len(read) > 1 else ()
    second = second_sweep_reason(result.runs, momentum=momentum)  # the zoom's or the long sweep's
    measured += (second,) if second is not None else ()
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
        rebound_lr=reading.rebound_lr,
        min_loss_lr=reading.min_loss_lr,
    )


def _as_planned(
    stats: DatasetStats, task: Task, config: FindConfig, rank_steps: int | None
) -> DatasetStats:
    """``stats`` for the run ``find`` plans: per rank under torchrun (``rank_steps`` batches
    an epoch), in optimizer updates, and given in updates where model.py's ``max_steps`` or
    ``--max-steps`` says so."""
    if distributed.is_distributed():
        stats = stats.for_ranks(distributed.world_size(), steps_per_epoch=rank_steps)
    stats = stats.with_accumulation(config.range_test.accumulation_steps)  # plan in updates
    updates = config.max_steps or (task.max_steps if config.epochs is None else None)
    return stats.with_max_steps(updates) if updates else stats


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
