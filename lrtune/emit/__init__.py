"""Emitters: turn a schedule spec into code or config for a target framework.

Example:
    >>> from lrtune.emit import render_code
    >>> from lrtune.schedules import make_schedule
    >>> code = render_code(make_schedule("cosine", lr=0.01, total=30), "torch")
    >>> "CosineAnnealingLR" in code
    True
"""

from __future__ import annotations

from lrtune.emit._common import OptimizerLike, optimizer_kwargs
from lrtune.emit._config import config_dict, render_json, render_yaml
from lrtune.emit._hf import hf_equivalent, render_hf
from lrtune.emit._lightning import render_lightning
from lrtune.emit._plot import plot_schedule
from lrtune.emit._timm import render_timm, timm_args
from lrtune.emit._torch import render_loop, render_torch
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec

__all__ = [
    "FORMATS",
    "OptimizerLike",
    "config_dict",
    "hf_equivalent",
    "optimizer_kwargs",
    "plot_schedule",
    "render_code",
    "timm_args",
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
) -> str:
    """Render ``spec`` as code or config in format ``fmt`` (one of :data:`FORMATS`).

    Args:
        spec: The schedule.
        fmt: ``"torch"``, ``"loop"``, ``"lightning"``, ``"hf"``, ``"timm"``, ``"yaml"``, ``"json"``.
        optimizer: An optimizer instance (its class and non-default hyperparameters are
            reproduced), an optimizer class, or ``"adamw"``/``"sgd"``/``"adam"``.
        steps_per_epoch: Needed by ``hf`` for epoch-basis specs and ``timm`` for iteration ones.
        epochs: Planned epochs (default of the loop template's ``epochs``).
        monitor: Metric name Lightning monitors for ReduceLROnPlateau.

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
        return render_hf(spec, optimizer=optimizer, steps_per_epoch=steps_per_epoch, epochs=epochs)
    if fmt == "timm":
        return render_timm(spec, optimizer=optimizer, steps_per_epoch=steps_per_epoch)
    if fmt == "yaml":
        return render_yaml(spec, optimizer=optimizer)
    if fmt == "json":
        return render_json(spec, optimizer=optimizer)
    raise ConfigError(f"format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
