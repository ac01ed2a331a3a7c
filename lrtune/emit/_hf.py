"""Hugging Face Trainer: a named lr_scheduler_type where one is exact, else optimizers=."""

from __future__ import annotations

from typing import Any

from lrtune.emit._common import (
    Code,
    OptimizerLike,
    call,
    describe,
    dict_lines,
    optimizer_code,
    scheduler_code,
)
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec
from lrtune.schedules._base import literal

__all__ = ["hf_equivalent", "render_hf"]

_DECAY_TYPES = {"linear": "linear", "cosine": "cosine", "sqrt": "1-sqrt"}


def hf_equivalent(spec: ScheduleSpec) -> tuple[str, dict[str, Any]] | None:
    """``(lr_scheduler_type, lr_scheduler_kwargs)`` giving exactly ``spec``, or ``None``.

    Only iteration-basis schedules without warmup qualify (HF's warmup starts at LR 0, so
    lrtune passes its own scheduler when there is a warmup); ``max_steps`` must be ``total``.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> hf_equivalent(make_schedule("cosine", lr=0.1, total=9, basis="iteration"))
        ('cosine', {})
    """
    if spec.needs_metric:
        p = spec.torch_main().kwargs
        return "reduce_lr_on_plateau", dict(p)
    if spec.basis != "iteration" or spec.warmup:
        return None
    ratio = getattr(spec, "eta_min_ratio", 0.0)
    if spec.name == "constant":
        return "constant", {}
    if spec.name == "cosine":
        return ("cosine", {}) if ratio == 0 else ("cosine_with_min_lr", {"min_lr_rate": ratio})
    if spec.name == "linear" and ratio == 0:
        return "linear", {}
    if spec.name == "polynomial":
        return "polynomial", {"lr_end": spec.lr * ratio, "power": spec.power}
    if spec.name == "wsd":
        kwargs = {"num_decay_steps": spec.decay_steps, "decay_type": _DECAY_TYPES[spec.cooldown]}
        return "warmup_stable_decay", {**kwargs, "min_lr_ratio": ratio}
    return None


def render_hf(
    spec: ScheduleSpec,
    *,
    optimizer: OptimizerLike = "adamw",
    steps_per_epoch: int | None = None,
    epochs: int | None = None,
) -> str:
    """``TrainingArguments`` + ``Trainer`` that train with ``spec``.

    The Trainer steps its scheduler after every update, so an epoch-basis spec (other than
    plateau) is converted to the iteration basis first (``steps_per_epoch`` is then required).

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> spec = make_schedule("cosine", lr=0.1, total=9, basis="iteration")
        >>> 'lr_scheduler_type="cosine"' in render_hf(spec)
        True
    """
    note = []
    if spec.basis == "epoch" and not spec.needs_metric:
        if steps_per_epoch is None:
            raise ConfigError(
                "steps_per_epoch: expected an integer for an epoch-basis schedule on the HF"
                " Trainer (it steps the scheduler every update), got None"
            )
        spec = spec.to_basis("iteration", steps_per_epoch)
        note.append("# HF steps the scheduler every update: periods converted to updates.")
    code = Code()
    code.imports.add("from transformers import Trainer, TrainingArguments")
    optimizer_code(optimizer, spec.lr, code, params="model.parameters()")
    args = ['output_dir="out"', f"learning_rate={literal(float(spec.lr))}"]
    equivalent = hf_equivalent(spec)
    if equivalent is not None:
        name, kwargs = equivalent
        args.append(f'lr_scheduler_type="{name}"')
        if kwargs:
            code.lines += dict_lines("scheduler_kwargs", kwargs)
            args.append("lr_scheduler_kwargs=scheduler_kwargs")
        if spec.needs_metric:
            strategy = "epoch" if spec.basis == "epoch" else "steps"
            args += [f'eval_strategy="{strategy}"', 'metric_for_best_model="eval_loss"']
        else:
            args.append("warmup_steps=0")
        scheduler = "None"
    else:
        scheduler_code(spec, code)
        note.append("# No exact HF lr_scheduler_type: the scheduler is passed to the Trainer.")
        scheduler = "scheduler"
    total = getattr(spec, "total", None)
    if total is not None:
        args.append(f"max_steps={total}")
    elif epochs is not None:
        args.append(f"num_train_epochs={int(epochs)}")
    lines = [describe(spec), *note, *code.lines]
    lines += call("args", "TrainingArguments", args)
    lines += call(
        "trainer",
        "Trainer",
        [
            "model=model",
            "args=args",
            "train_dataset=train_dataset",
            f"optimizers=(optimizer, {scheduler})",
        ],
    )
    return code.header() + "\n".join(lines) + "\n"
