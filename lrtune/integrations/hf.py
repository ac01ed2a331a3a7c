"""Hugging Face: the range test on a ``transformers.Trainer`` (its model, train dataloader,
``compute_loss``, optimizer and arguments), and the ``TrainingArguments`` changes.

Example:
    >>> from lrtune.integrations.hf import apply_to_trainer, find_for_hf  # doctest: +SKIP
    >>> plan = find_for_hf(trainer)  # doctest: +SKIP
    >>> apply_to_trainer(trainer, plan); trainer.train()  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from dataclasses import dataclass
from typing import Any

import torch
import transformers

from lrtune.api import FindConfig, FindResult, find
from lrtune.emit import TrainSettings, hf_training_args
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec
from lrtune.task import make_task

__all__ = ["HFPlan", "LrtuneCallback", "apply_to_trainer", "find_for_hf"]


@dataclass(frozen=True)
class HFPlan:
    """What :func:`find_for_hf` found.

    Attributes:
        result: the full lrtune result (curve, plan, recommendation, code).
        args: the ``TrainingArguments`` changes that train with the recommendation.
        own_scheduler: True when no HF ``lr_scheduler_type`` is exact: the Trainer must
            build lrtune's scheduler (:func:`apply_to_trainer` does).
    """

    result: FindResult
    args: dict[str, Any]
    own_scheduler: bool

    @property
    def schedule(self) -> ScheduleSpec:
        """The recommended schedule."""
        assert self.result.recommendation is not None
        return self.result.recommendation.schedule


def _optimizer_factory(trainer: transformers.Trainer) -> Any:
    """HF's own optimizer (class, settings and no-weight-decay groups) at a given LR."""

    def make(params: Any, lr: float) -> torch.optim.Optimizer:
        model = trainer.model
        cls, kwargs = trainer.get_optimizer_cls_and_kwargs(trainer.args, model)
        decay = set(trainer.get_decay_parameter_names(model))
        named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
        groups = [
            {
                "params": [p for n, p in named if n in decay],
                "weight_decay": trainer.args.weight_decay,
            },
            {"params": [p for n, p in named if n not in decay], "weight_decay": 0.0},
        ]
        return cls([g for g in groups if g["params"]], **{**kwargs, "lr": lr})

    return make


def find_for_hf(trainer: transformers.Trainer, *, config: FindConfig | None = None) -> HFPlan:
    """Range test + recommendation for ``trainer``'s model, data, loss and arguments.

    Uses ``trainer.get_train_dataloader()`` (batch size, collator, sampler), the loss of
    ``trainer.compute_loss``, HF's optimizer for ``args.optim``, and the arguments'
    accumulation, ``max_grad_norm``, precision and epochs. The model and RNGs are left as
    they were.
    """
    args = trainer.args
    loader = trainer.get_train_dataloader()
    config = config or FindConfig()
    amp = "bf16" if args.bf16 else "fp16" if args.fp16 else "off"
    range_test = dataclasses.replace(
        config.range_test,
        accumulation_steps=int(args.gradient_accumulation_steps),
        clip_grad_norm=float(args.max_grad_norm) if args.max_grad_norm > 0 else None,
        amp=amp,
        device="cpu" if args.use_cpu else config.range_test.device,
    )
    epochs = config.epochs
    if epochs is None:
        if args.max_steps and args.max_steps > 0:
            per_epoch = math.ceil(len(loader) / args.gradient_accumulation_steps)
            epochs = math.ceil(args.max_steps / per_epoch)
        else:
            epochs = max(1, math.ceil(args.num_train_epochs))

    def loss_fn(model: torch.nn.Module, batch: Any) -> torch.Tensor:
        return trainer.compute_loss(model, trainer._prepare_inputs(batch))

    task = make_task(
        model=trainer.model,
        train_loader=loader,
        loss_fn=loss_fn,
        optimizer=_optimizer_factory(trainer),
        epochs=epochs,
    )
    config = dataclasses.replace(
        config,
        range_test=range_test,
        epochs=epochs,
        formats=tuple(dict.fromkeys((*config.formats, "hf"))),
    )
    result = find(task, config=config)
    rec = result.recommendation
    if rec is None:
        raise ConfigError("find_for_hf: the range test gave no recommendation")
    train = TrainSettings(
        batch_size=int(args.per_device_train_batch_size),
        accumulation=int(args.gradient_accumulation_steps),
        max_grad_norm=range_test.clip_grad_norm,
    )
    changes, own = hf_training_args(
        rec.schedule, steps_per_epoch=rec.steps_per_epoch, epochs=rec.epochs, train=train
    )
    return HFPlan(result=result, args=changes, own_scheduler=own)


def apply_to_trainer(trainer: transformers.Trainer, plan: HFPlan) -> None:
    """Set ``plan.args`` on ``trainer.args``; where HF has no exact type, make the Trainer
    build lrtune's scheduler on its own optimizer (before ``train()``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, value in plan.args.items():
            setattr(trainer.args, key, value)
    if not plan.own_scheduler:
        return
    spec, steps_per_epoch = plan.schedule, plan.result.recommendation.steps_per_epoch

    def create_scheduler(num_training_steps: int, optimizer: Any = None) -> Any:
        if trainer.lr_scheduler is None:
            optimizer = trainer.optimizer if optimizer is None else optimizer
            trainer.lr_scheduler = _per_update(spec, optimizer, steps_per_epoch or 1)
        return trainer.lr_scheduler

    trainer.create_scheduler = create_scheduler  # type: ignore[method-assign]


def _per_update(spec: ScheduleSpec, optimizer: torch.optim.Optimizer, per_epoch: int) -> Any:
    """``spec``'s scheduler stepped after every update (an epoch spec: every ``per_epoch``)."""
    if spec.basis == "iteration":
        return spec.build(optimizer)
    return torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: spec.lr_at(s // per_epoch) / spec.lr
    )


class LrtuneCallback(transformers.TrainerCallback):
    """Checks, at every optimizer step, that the LR is ``spec``'s closed form.

    A difference above ``rel_tol`` raises (``strict``) or warns: a stale argument, a
    scheduler replaced by another callback, or a plan for another batch size.
    """

    def __init__(
        self,
        spec: ScheduleSpec,
        *,
        steps_per_epoch: int = 1,
        rel_tol: float = 1e-9,
        strict: bool = True,
    ) -> None:
        self.spec, self.steps_per_epoch = spec, steps_per_epoch
        self.rel_tol, self.strict = rel_tol, strict

    def on_optimizer_step(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        optimizer = kwargs.get("optimizer")
        if optimizer is None or self.spec.needs_metric:
            return
        step = state.global_step
        unit = step if self.spec.basis == "iteration" else step // self.steps_per_epoch
        want, got = self.spec.lr_at(unit), optimizer.param_groups[0]["lr"]
        if not math.isclose(got, want, rel_tol=self.rel_tol, abs_tol=1e-12 * self.spec.lr):
            message = f"lrtune: LR {got:.6g} at update {step}, the schedule says {want:.6g}"
            if self.strict:
                raise ConfigError(message)
            warnings.warn(message, stacklevel=2)
