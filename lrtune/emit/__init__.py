"""Emitters: turn a schedule spec into code or config for a target framework.

Example:
    >>> from lrtune.emit import render_code
    >>> from lrtune.schedules import make_schedule
    >>> code = render_code(make_schedule("cosine", lr=0.01, total=30), "torch")
    >>> "CosineAnnealingLR" in code
    True
"""

from __future__ import annotations

import textwrap
from typing import Any

from lrtune.emit._common import OptimizerLike, TrainSettings, optimizer_kwargs
from lrtune.emit._config import config_dict, render_json, render_yaml
from lrtune.emit._hf import hf_equivalent, hf_optimizer_args, hf_training_args, render_hf
from lrtune.emit._lightning import render_lightning
from lrtune.emit._plot import plot_schedule
from lrtune.emit._timm import render_timm, timm_args, timm_train_config
from lrtune.emit._torch import render_loop, render_torch
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec

__all__ = [
    "FORMATS",
    "OptimizerLike",
    "TrainSettings",
    "config_dict",
    "hf_equivalent",
    "hf_optimizer_args",
    "hf_training_args",
    "optimizer_kwargs",
    "plot_schedule",
    "render_code",
    "render_or_refusal",
    "timm_args",
    "timm_train_config",
]

FORMATS = ("torch", "loop", "lightning", "hf", "timm", "yaml", "json")


def render_code(
    spec: ScheduleSpec,
    fmt: str,
    *,
    optimizer: OptimizerLike = "adamw",
    steps_per_epoch: int | None = None,
    epochs: int | None = None,
    monitor: str = "val_loss",
    train: TrainSettings | None = None,
) -> str:
    """Render ``spec`` as code or config in format ``fmt`` (one of :data:`FORMATS`).

    Every output reproduces ``spec.lr_at`` step for step in its framework, or is refused.

    Args:
        spec: The schedule.
        fmt: ``"torch"``, ``"loop"``, ``"lightning"``, ``"hf"``, ``"timm"``, ``"yaml"``, ``"json"``.
        optimizer: An optimizer instance (its class and non-default hyperparameters are
            reproduced), an optimizer class, or ``"adamw"``/``"sgd"``/``"adam"``.
        steps_per_epoch: Optimizer updates per epoch (``ceil(len(loader) / accumulation)``);
            needed by ``hf`` for epoch-basis specs and ``timm`` for iteration ones.
        epochs: Planned epochs (the loop's ``epochs``, timm's ``num_epochs``, HF's ``max_steps``).
        monitor: Metric name Lightning monitors for ReduceLROnPlateau.
        train: Batch size, accumulation and clipping of the range test (``hf``, ``timm``).

    Raises:
        ConfigError: ``fmt`` cannot reproduce ``spec`` exactly; the message names the closest
            valid choice.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> print(render_code(make_schedule("constant", lr=0.1), "json").splitlines()[1])
          "optimizer": {
    """
    if fmt == "torch":
        return render_torch(spec, optimizer=optimizer)
    if fmt == "loop":
        return render_loop(spec, optimizer=optimizer, epochs=epochs)
    if fmt == "lightning":
        return render_lightning(spec, optimizer=optimizer, monitor=monitor)
    if fmt == "hf":
        return render_hf(
            spec, optimizer=optimizer, steps_per_epoch=steps_per_epoch, epochs=epochs, train=train
        )
    if fmt == "timm":
        return render_timm(
            spec, optimizer=optimizer, steps_per_epoch=steps_per_epoch, epochs=epochs, train=train
        )
    if fmt == "yaml":
        return render_yaml(spec, optimizer=optimizer)
    if fmt == "json":
        return render_json(spec, optimizer=optimizer)
    raise ConfigError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")


def render_or_refusal(spec: ScheduleSpec, fmt: str, **options: Any) -> str:
    """:func:`render_code`, or a one-line comment with the refusal where ``fmt`` has no exact form.

    For reports that render several formats at once (``lrtune find``): one refused format
    does not lose the others.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> spec = make_schedule("onecycle", lr=0.1, total=20)
        >>> render_or_refusal(spec, "timm", epochs=20).startswith("# lrtune: no exact timm")
        True
    """
    if fmt not in FORMATS:
        raise ConfigError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    try:
        return render_code(spec, fmt, **options)
    except ConfigError as exc:
        lines = textwrap.wrap(f"lrtune: no exact {fmt} form: {exc}", 96)
        return "".join(f"# {line}\n" for line in lines)
