"""timm: ``create_scheduler_v2`` arguments where timm has an equivalent scheduler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lrtune.emit._common import Code, OptimizerLike, call, describe, optimizer_code
from lrtune.emit._torch import render_torch
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec
from lrtune.schedules._base import literal

__all__ = ["render_timm", "timm_args"]


def timm_args(spec: ScheduleSpec, *, steps_per_epoch: int | None = None) -> dict[str, Any] | None:
    """Keyword arguments of ``timm.scheduler.create_scheduler_v2`` for ``spec``, or ``None``.

    Periods go in epochs; on the iteration basis ``step_on_epochs=False`` and
    ``updates_per_epoch`` scale them, so every period must be a whole number of epochs. The
    warmup maps to ``warmup_prefix=True`` with ``warmup_lr = lr/(warmup+1)``, which gives
    lrtune's ``(s+1)/(warmup+1)`` ramp.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> timm_args(make_schedule("step", lr=0.1, step_size=3, gamma=0.5))["decay_epochs"]
        3
    """
    by_name: dict[str, Callable[[Any], dict[str, Any]]] = {
        "cosine": lambda s: {
            "sched": "cosine",
            "num_epochs": s.total - s.warmup,
            "min_lr": s.lr * s.eta_min_ratio,
        },
        "cosine_restarts": lambda s: {
            "sched": "cosine",
            "num_epochs": s.T_0,
            "cycle_mul": float(s.T_mult),
            "cycle_limit": 1000,
            "min_lr": s.lr * s.eta_min_ratio,
        },
        "step": lambda s: {"sched": "step", "decay_epochs": s.step_size, "decay_rate": s.gamma},
        "multistep": lambda s: {
            "sched": "multistep",
            "decay_milestones": list(s.milestones),
            "decay_rate": s.gamma,
        },
        "polynomial": lambda s: {
            "sched": "poly",
            "num_epochs": s.total - s.warmup,
            "decay_rate": s.power,
            "min_lr": s.lr * s.eta_min_ratio,
        },
        "plateau": lambda s: {
            "sched": "plateau",
            "decay_rate": s.factor,
            "patience_epochs": s.patience,
            "plateau_mode": s.mode,
            "min_lr": s.lr * s.eta_min_ratio,
        },
    }
    if spec.name not in by_name:
        return None
    args = by_name[spec.name](spec)
    if spec.warmup:
        args.update(
            warmup_epochs=spec.warmup,
            warmup_lr=spec.lr / (spec.warmup + 1),
            warmup_prefix=True,
        )
    if spec.basis == "epoch":
        return {**args, "step_on_epochs": True}
    if steps_per_epoch is None:
        raise ConfigError(
            "steps_per_epoch: expected an integer for an iteration-basis schedule on timm, got None"
        )
    for key in ("num_epochs", "decay_epochs", "warmup_epochs", "patience_epochs"):
        if key in args:
            if args[key] % steps_per_epoch:
                return None  # timm counts periods in whole epochs
            args[key] //= steps_per_epoch
    if "decay_milestones" in args:
        if any(m % steps_per_epoch for m in args["decay_milestones"]):
            return None
        args["decay_milestones"] = [m // steps_per_epoch for m in args["decay_milestones"]]
    return {**args, "step_on_epochs": False, "updates_per_epoch": steps_per_epoch}


def render_timm(
    spec: ScheduleSpec, *, optimizer: OptimizerLike = "adamw", steps_per_epoch: int | None = None
) -> str:
    """timm ``create_scheduler_v2`` code, or the plain torch snippet when timm has no match.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> "create_scheduler_v2" in render_timm(make_schedule("step", lr=0.1, step_size=3))
        True
    """
    args = timm_args(spec, steps_per_epoch=steps_per_epoch)
    if args is None:
        torch_code = render_torch(spec, optimizer=optimizer)
        note = f"# timm has no exact equivalent of lrtune's {spec.name!r} schedule here;\n"
        note += "# use this torch scheduler (step it as shown; timm's train.py cannot take it).\n"
        return note + torch_code
    code = Code()
    code.imports.add("from timm.scheduler import create_scheduler_v2")
    optimizer_code(optimizer, spec.lr, code, params="model.parameters()")
    kwargs = [f"{k}={literal(v)}" for k, v in args.items()]
    code.lines += call("scheduler, num_epochs", "create_scheduler_v2", ["optimizer", *kwargs])
    if spec.basis == "epoch":
        where = "#     scheduler.step(epoch + 1)  # at the end of each epoch"
    else:
        where = "#         scheduler.step_update(num_updates)  # after each optimizer.step()"
    if spec.needs_metric:
        where = "#     scheduler.step(epoch + 1, val_loss)  # at the end of each epoch"
    lines = [
        describe(spec),
        *code.lines,
        "# for epoch in range(num_epochs):",
        "#     for batch in train_loader:",
        "#         ...  # forward, backward, optimizer.step(); num_updates += 1",
        where,
    ]
    return code.header() + "\n".join(lines) + "\n"
