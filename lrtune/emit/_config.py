"""YAML and JSON configs: the spec's ``to_dict()`` plus the optimizer."""

from __future__ import annotations

import json
from typing import Any

import yaml

from lrtune.emit._common import OptimizerLike, optimizer_source
from lrtune.schedules import ScheduleSpec

__all__ = ["config_dict", "render_json", "render_yaml"]


def config_dict(spec: ScheduleSpec, *, optimizer: OptimizerLike = "adamw") -> dict[str, Any]:
    """``{"optimizer": {...}, "scheduler": spec.to_dict(), "step": ...}`` (JSON-safe).

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> config_dict(make_schedule("constant", lr=0.1))["optimizer"]
        {'class': 'torch.optim.AdamW', 'lr': 0.1}
    """
    module, name, changed = optimizer_source(optimizer)
    opt = {"class": f"{module}.{name}", "lr": spec.lr}
    opt.update({k: list(v) if isinstance(v, tuple) else v for k, v in changed.items()})
    step = "scheduler.step(val_loss)" if spec.needs_metric else "scheduler.step()"
    return {
        "optimizer": opt,
        "scheduler": spec.to_dict(),
        "step": f"{step} once per {spec.basis}",
    }


def render_yaml(spec: ScheduleSpec, *, optimizer: OptimizerLike = "adamw") -> str:
    """The config as YAML (load it with ``yaml.safe_load``, rebuild with ``spec_from_dict``)."""
    return yaml.safe_dump(config_dict(spec, optimizer=optimizer), sort_keys=False)


def render_json(spec: ScheduleSpec, *, optimizer: OptimizerLike = "adamw") -> str:
    """The config as indented JSON."""
    return json.dumps(config_dict(spec, optimizer=optimizer), indent=2) + "\n"
