"""Lightning: the range test through a LightningModule's own ``training_step`` and
``configure_optimizers``, and the recommended schedule applied to it.

Example:
    >>> from lrtune.integrations.lightning import LrtuneFinder  # doctest: +SKIP
    >>> trainer = L.Trainer(max_epochs=10, callbacks=[LrtuneFinder()])  # doctest: +SKIP
    >>> trainer.fit(module, datamodule=dm)  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Iterable
from typing import Any

import lightning.pytorch as pl
import torch

from lrtune.api import FindConfig, FindResult, find
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec
from lrtune.task import make_task

__all__ = ["LrtuneFinder", "apply_schedule", "find_for_lightning"]

logger = logging.getLogger(__name__)


def _first_optimizer(configured: Any) -> torch.optim.Optimizer:
    """The optimizer in whatever ``configure_optimizers`` returned (one optimizer only)."""
    if isinstance(configured, torch.optim.Optimizer):
        return configured
    if isinstance(configured, dict) and "optimizer" in configured:
        return _first_optimizer(configured["optimizer"])
    if isinstance(configured, (list, tuple)) and configured:
        return _first_optimizer(configured[0])
    raise ConfigError(
        f"configure_optimizers: expected an optimizer, a dict with 'optimizer' or a list, got"
        f" {type(configured).__name__}"
    )


def _loss(module: pl.LightningModule) -> Any:
    def loss_fn(model: torch.nn.Module, batch: Any) -> torch.Tensor:
        out = module.training_step(batch, 0)
        return out["loss"] if isinstance(out, dict) else out

    return loss_fn


def find_for_lightning(
    trainer: pl.Trainer,
    module: pl.LightningModule,
    datamodule: pl.LightningDataModule | None = None,
    *,
    train_loader: Iterable[Any] | None = None,
    config: FindConfig | None = None,
) -> FindResult:
    """Range test + recommendation for ``module`` as ``trainer`` will train it.

    Batches come from ``train_loader``, else ``datamodule.train_dataloader()``, else
    ``module.train_dataloader()``; the loss is ``module.training_step``; the optimizer is the
    one ``configure_optimizers`` builds. The trainer's ``accumulate_grad_batches``,
    ``gradient_clip_val`` (norm) and ``max_epochs`` plan the test and the run. The module,
    the RNGs and the trainer are left as they were (``self.log`` is skipped during the test).
    """
    if train_loader is None:
        source = datamodule if datamodule is not None else module
        train_loader = source.train_dataloader()
    config = config or FindConfig()
    clip = trainer.gradient_clip_val if trainer.gradient_clip_algorithm in (None, "norm") else None
    range_test = dataclasses.replace(
        config.range_test,
        accumulation_steps=int(trainer.accumulate_grad_batches),
        clip_grad_norm=float(clip) if clip else config.range_test.clip_grad_norm,
    )
    epochs = config.epochs
    if epochs is None and trainer.max_epochs is not None and trainer.max_epochs > 0:
        epochs = int(trainer.max_epochs)

    def optimizer(params: Any, lr: float) -> torch.optim.Optimizer:
        opt = _first_optimizer(module.configure_optimizers())
        for group in opt.param_groups:
            group["lr"] = lr
        return opt

    task = make_task(
        model=module,
        train_loader=train_loader,
        loss_fn=_loss(module),
        optimizer=optimizer,
        epochs=epochs,
    )
    config = dataclasses.replace(
        config,
        range_test=range_test,
        epochs=epochs,
        formats=tuple(dict.fromkeys((*config.formats, "lightning"))),
    )
    attached, module._trainer = module._trainer, None  # self.log is a no-op meanwhile
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*self.log.*")
            return find(task, config=config)
    finally:
        module._trainer = attached


def apply_schedule(
    module: pl.LightningModule, spec: ScheduleSpec, *, monitor: str = "val_loss"
) -> None:
    """Make ``module.configure_optimizers`` return its optimizer with ``spec``'s scheduler.

    ``interval`` is ``"step"`` on the iteration basis and ``"epoch"`` on the epoch basis.

    Raises:
        ConfigError: plateau on the iteration basis (no validation metric at step level).
    """
    if spec.needs_metric and spec.basis == "iteration":
        raise ConfigError(
            "plateau on the iteration basis: Lightning checks the monitored metric after every"
            " step, where val_loss is not logged yet; use basis='epoch'"
        )
    original = module.configure_optimizers

    def configure_optimizers() -> dict[str, Any]:
        optimizer = _first_optimizer(original())
        config = {
            "scheduler": spec.build(optimizer),
            "interval": "step" if spec.basis == "iteration" else "epoch",
            "frequency": 1,
        }
        if spec.needs_metric:
            config["monitor"] = monitor
        return {"optimizer": optimizer, "lr_scheduler": config}

    module.configure_optimizers = configure_optimizers  # type: ignore[method-assign]


class LrtuneFinder(pl.Callback):
    """Like Lightning's ``LearningRateFinder``, but it recommends a whole schedule.

    At the start of ``fit`` it runs :func:`find_for_lightning` on the fit's own training
    data, stores the result in ``self.result``, and (``apply=True``) trains with the
    recommended schedule: ``configure_optimizers`` is wrapped and the optimizers rebuilt.

    Args:
        config: find options (the trainer's accumulation, clipping and epochs are used).
        apply: train with the recommendation; otherwise only report it.
        monitor: the metric ReduceLROnPlateau watches, when recommended.
    """

    def __init__(
        self, *, config: FindConfig | None = None, apply: bool = True, monitor: str = "val_loss"
    ) -> None:
        self.config, self.apply, self.monitor = config, apply, monitor
        self.result: FindResult | None = None

    def on_fit_start(self, trainer: pl.Trainer, pl_module: pl.LightningModule) -> None:
        loader = trainer.fit_loop._data_source.dataloader()  # the loader fit() was given
        self.result = find_for_lightning(
            trainer, pl_module, train_loader=loader, config=self.config
        )
        rec = self.result.recommendation
        if rec is None or not self.apply:
            return
        logger.info("lrtune: training with %s (lr %.3g)", rec.schedule.name, rec.schedule.lr)
        apply_schedule(pl_module, rec.schedule, monitor=self.monitor)
        trainer.strategy.setup_optimizers(trainer)
