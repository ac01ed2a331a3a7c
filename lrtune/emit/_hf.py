"""Hugging Face Trainer: ``TrainingArguments`` that reproduce the schedule exactly.

Where HF has the schedule, the arguments name it (``lr_scheduler_type``,
``lr_scheduler_kwargs``, ``warmup_steps``) and the Trainer builds its own optimizer, so it
works under FSDP/DeepSpeed and keeps HF's no-weight-decay grouping. HF's warmups start at
LR 0, except ``cosine_warmup_with_min_lr``'s ``(s+1)/W``: lrtune's ``(s+1)/(W+1)`` warmup is
that type with ``warmup_steps = W + 1`` (``num_cycles`` rescaled so the cosine still ends at
``total``; ``num_cycles=0`` holds the peak). Elsewhere a ``Trainer`` subclass builds
lrtune's torch scheduler on the Trainer's own optimizer (``create_scheduler``). The batch
size, accumulation and clipping are those of the range test (HF clips at 1.0 by default).
"""

from __future__ import annotations

from typing import Any

from lrtune.emit._common import (
    Code,
    OptimizerLike,
    TrainSettings,
    call,
    describe,
    dict_lines,
    optimizer_kwargs,
    scheduler_code,
)
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec
from lrtune.schedules._base import literal

__all__ = ["hf_equivalent", "hf_optimizer_args", "hf_training_args", "render_hf"]

_DECAY_TYPES = {"linear": "linear", "cosine": "cosine", "sqrt": "1-sqrt"}
_WARM = "cosine_warmup_with_min_lr"


def hf_equivalent(spec: ScheduleSpec) -> tuple[str, dict[str, Any], int] | None:
    """``(lr_scheduler_type, lr_scheduler_kwargs, warmup_steps)`` giving exactly ``spec``.

    For iteration-basis specs run for ``max_steps = total`` updates (plateau: any basis);
    ``None`` where HF has no exact type.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> hf_equivalent(make_schedule("cosine", lr=0.1, total=9, basis="iteration"))
        ('cosine', {}, 0)
        >>> hf_equivalent(make_schedule("cosine", lr=0.1, total=9, warmup=1, basis="iteration"))
        ('cosine_warmup_with_min_lr', {'min_lr_rate': 0.0, 'num_cycles': 0.4375}, 2)
    """
    s: Any = spec
    if spec.needs_metric:
        return "reduce_lr_on_plateau", dict(spec.torch_main().kwargs), 0
    if spec.basis != "iteration":
        return None
    w, ratio = spec.warmup, getattr(spec, "eta_min_ratio", 0.0)
    if spec.name == "constant" or (spec.name in ("linear", "polynomial") and ratio == 1):
        if w:
            return _WARM, {"min_lr_rate": 0.0, "num_cycles": 0.0}, w + 1
        return "constant", {}, 0
    if spec.name == "cosine":
        if w:
            main = s.total - w
            cycles = (main - 1) / (2 * main)  # HF's cosine runs over total - W - 1 steps
            return _WARM, {"min_lr_rate": float(ratio), "num_cycles": cycles}, w + 1
        if ratio == 0:
            return "cosine", {}, 0
        return "cosine_with_min_lr", {"min_lr_rate": float(ratio)}, 0
    if w:
        return None
    if spec.name == "linear" and ratio == 0:
        return "linear", {}, 0
    if spec.name in ("linear", "polynomial"):
        power = 1.0 if spec.name == "linear" else float(s.power)
        return "polynomial", {"lr_end": s.lr * ratio, "power": power}, 0
    if spec.name == "wsd":
        kwargs = {"num_decay_steps": s.decay_steps, "decay_type": _DECAY_TYPES[s.cooldown]}
        return "warmup_stable_decay", {**kwargs, "min_lr_ratio": float(ratio)}, 0
    return None


def _run_updates(spec: ScheduleSpec, steps_per_epoch: int | None, epochs: int | None) -> int:
    if epochs is not None and steps_per_epoch is not None:
        return int(epochs) * steps_per_epoch
    total = getattr(spec, "total", None)
    if spec.basis == "iteration" and total is not None:
        return total
    if epochs is not None and spec.basis == "iteration":
        raise ConfigError("steps_per_epoch: expected an integer to plan max_steps for HF, got None")
    raise ConfigError("epochs: expected the planned run length for HF's max_steps, got None")


def hf_training_args(
    spec: ScheduleSpec,
    *,
    steps_per_epoch: int | None = None,
    epochs: int | None = None,
    train: TrainSettings | None = None,
) -> tuple[dict[str, Any], bool]:
    """The ``TrainingArguments`` changes for ``spec``, and whether lrtune's scheduler is needed.

    Returns:
        ``(kwargs, own_scheduler)``: with ``own_scheduler`` True, no HF type is exact and
        the Trainer must build lrtune's scheduler (see :func:`render_hf`).

    Raises:
        ConfigError: plateau on the iteration basis, or a missing run length.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> spec = make_schedule("cosine", lr=0.1, total=40, basis="iteration")
        >>> args, own = hf_training_args(spec, train=TrainSettings(batch_size=64))
        >>> args["lr_scheduler_type"], args["max_steps"], args["max_grad_norm"], own
        ('cosine', 40, 0.0, False)
    """
    train = train or TrainSettings()
    if spec.needs_metric and spec.basis == "iteration":
        raise ConfigError(
            "plateau on the iteration basis: HF would have to evaluate after every update"
            " (patience counts updates); use basis='epoch' (eval_strategy='epoch')"
        )
    if spec.basis == "epoch" and not spec.needs_metric and steps_per_epoch is None:
        raise ConfigError(
            "steps_per_epoch: expected an integer for an epoch-basis schedule on the HF"
            " Trainer (it steps the scheduler every update), got None"
        )
    args: dict[str, Any] = {"learning_rate": spec.lr}
    equivalent = hf_equivalent(spec)
    if spec.needs_metric:
        if steps_per_epoch is not None and epochs is not None:
            args["max_steps"] = int(epochs) * steps_per_epoch
        elif epochs is not None:
            args["num_train_epochs"] = int(epochs)
    else:
        run = _run_updates(spec, steps_per_epoch, epochs)
        if equivalent is not None and getattr(spec, "total", run) != run:
            equivalent = None  # HF's named types end at max_steps, lrtune's at total
        args["max_steps"] = run
    if equivalent is not None:
        name, kwargs, warmup = equivalent
        args["lr_scheduler_type"] = name
        if kwargs:
            args["lr_scheduler_kwargs"] = kwargs
        if not spec.needs_metric:
            args["warmup_steps"] = warmup
        else:
            args.update(eval_strategy="epoch", metric_for_best_model="eval_loss")
    if train.batch_size is not None:
        args["per_device_train_batch_size"] = train.batch_size
    args["gradient_accumulation_steps"] = train.accumulation
    args["max_grad_norm"] = float(train.max_grad_norm or 0.0)  # 0: no clipping, as tested
    return args, equivalent is None


def hf_optimizer_args(optimizer: OptimizerLike) -> dict[str, Any]:
    """``optim`` and its settings for HF's own optimizer, matching ``optimizer`` (AdamW, SGD).

    HF's ``weight_decay`` defaults to 0 where torch's AdamW has 0.01, so it is always set.

    Example:
        >>> hf_optimizer_args("adamw")
        {'optim': 'adamw_torch', 'weight_decay': 0.01}
    """
    import inspect

    cls, changed = optimizer_kwargs(optimizer)
    defaults = {
        k: p.default
        for k, p in inspect.signature(cls).parameters.items()
        if p.default is not inspect.Parameter.empty
    }
    values = {**defaults, **changed}
    out: dict[str, Any] = {}
    if cls.__name__ == "AdamW" and not values.get("amsgrad"):
        out = {"optim": "adamw_torch", "weight_decay": float(values.get("weight_decay", 0.0))}
        beta1, beta2 = values.get("betas", (0.9, 0.999))
        if (beta1, beta2) != (0.9, 0.999):
            out.update(adam_beta1=float(beta1), adam_beta2=float(beta2))
        if values.get("eps", 1e-8) != 1e-8:
            out["adam_epsilon"] = float(values["eps"])
    elif cls.__name__ == "SGD":
        out = {"optim": "sgd", "weight_decay": float(values.get("weight_decay", 0.0))}
        extra = {k: changed[k] for k in ("momentum", "dampening", "nesterov") if k in changed}
        if extra:
            out["optim_args"] = ",".join(f"{k}={v}" for k, v in extra.items())
    return out


_STEP_EVERY = '''class StepEvery:
    """Step `scheduler` every `updates` calls: a per-epoch schedule under HF's per-update steps."""

    def __init__(self, scheduler, updates: int) -> None:
        self.scheduler, self.updates, self.calls = scheduler, updates, 0

    def step(self) -> None:
        self.calls += 1
        if self.calls % self.updates == 0:
            self.scheduler.step()

    def get_last_lr(self) -> list[float]:
        return self.scheduler.get_last_lr()

    def state_dict(self) -> dict:
        return {"calls": self.calls, "scheduler": self.scheduler.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        self.calls = state["calls"]
        self.scheduler.load_state_dict(state["scheduler"])
'''


def _trainer_class(spec: ScheduleSpec, code: Code, steps_per_epoch: int | None) -> None:
    """Add ``class LrtuneTrainer(Trainer)`` building lrtune's scheduler to ``code.blocks``."""
    inner = Code()
    ind = " " * 12
    scheduler_code(spec, inner, indent=ind)
    code.imports |= inner.imports
    code.blocks += inner.blocks
    wrap = "scheduler"
    if spec.basis == "epoch":
        code.blocks.append(_STEP_EVERY)
        wrap = f"StepEvery(scheduler, {steps_per_epoch})  # {steps_per_epoch} updates per epoch"
    lines = [
        "class LrtuneTrainer(Trainer):",
        '    """The Trainer, with lrtune\'s scheduler on the optimizer it builds itself."""',
        "",
        "    def create_scheduler(self, num_training_steps: int, optimizer=None):",
        "        if self.lr_scheduler is None:",
        "            optimizer = self.optimizer if optimizer is None else optimizer",
        *inner.lines,
        f"            self.lr_scheduler = {wrap}",
        "        return self.lr_scheduler",
    ]
    code.blocks.append("\n".join(lines) + "\n")


def render_hf(
    spec: ScheduleSpec,
    *,
    optimizer: OptimizerLike = "adamw",
    steps_per_epoch: int | None = None,
    epochs: int | None = None,
    train: TrainSettings | None = None,
) -> str:
    """``TrainingArguments`` + ``Trainer`` that train with ``spec`` (exact, step for step).

    HF builds the optimizer itself: ``optimizer`` becomes ``optim`` and its settings
    (:func:`hf_optimizer_args`).

    Raises:
        ConfigError: see :func:`hf_training_args`.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> spec = make_schedule("cosine", lr=0.1, total=9, basis="iteration")
        >>> 'lr_scheduler_type="cosine"' in render_hf(spec)
        True
    """
    args, own = hf_training_args(spec, steps_per_epoch=steps_per_epoch, epochs=epochs, train=train)
    args.update(hf_optimizer_args(optimizer))
    code = Code()
    code.imports.add("from transformers import Trainer, TrainingArguments")
    if own:
        _trainer_class(spec, code, steps_per_epoch)
    items = ['output_dir="out"']
    lines = [describe(spec)]
    for key, value in args.items():
        if key == "lr_scheduler_kwargs":
            lines += dict_lines("scheduler_kwargs", value)
            items.append("lr_scheduler_kwargs=scheduler_kwargs")
        else:
            items.append(f"{key}={literal(value)}")
    if own:
        lines.append("# No exact HF lr_scheduler_type: LrtuneTrainer builds lrtune's scheduler.")
    lines += call("args", "TrainingArguments", items)
    trainer = ["model=model", "args=args", "train_dataset=train_dataset"]
    if spec.needs_metric:
        trainer.append("eval_dataset=eval_dataset")
        lines.append("# ReduceLROnPlateau steps on eval_loss after each epoch's evaluation.")
    lines += call("trainer", "LrtuneTrainer" if own else "Trainer", trainer)
    return code.header() + "\n".join(lines) + "\n"
