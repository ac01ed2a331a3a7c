"""PyTorch Lightning: a ``configure_optimizers`` method with the right ``interval``."""

from __future__ import annotations

from lrtune.emit._common import Code, OptimizerLike, describe, optimizer_code, scheduler_code
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec

__all__ = ["render_lightning"]


def render_lightning(
    spec: ScheduleSpec, *, optimizer: OptimizerLike = "adamw", monitor: str = "val_loss"
) -> str:
    """``configure_optimizers(self)`` to paste into a ``LightningModule``.

    ``interval`` is ``"step"`` on the iteration basis (Lightning's default ``"epoch"`` would
    silently coarsen the schedule) and ``"epoch"`` on the epoch basis; ReduceLROnPlateau
    gets ``monitor`` (a metric you ``self.log``). Lightning steps the scheduler once per
    optimizer step, so ``accumulate_grad_batches`` needs no change.

    Raises:
        ConfigError: plateau on the iteration basis (Lightning reads ``monitor`` after every
            step, where a validation metric does not exist yet).

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> spec = make_schedule("cosine", lr=0.1, total=100, basis="iteration")
        >>> '"interval": "step"' in render_lightning(spec)
        True
    """
    if spec.needs_metric and spec.basis == "iteration":
        raise ConfigError(
            "plateau on the iteration basis: Lightning checks the monitored metric after every"
            " step, where val_loss is not logged yet; use basis='epoch'"
        )
    code = Code()
    ind = "    "
    optimizer_code(optimizer, spec.lr, code, params="self.parameters()", indent=ind)
    scheduler_code(spec, code, indent=ind)
    interval = "step" if spec.basis == "iteration" else "epoch"
    config = [
        f'{ind * 3}"scheduler": scheduler,',
        f'{ind * 3}"interval": "{interval}",',
        f'{ind * 3}"frequency": 1,',
    ]
    if spec.needs_metric:
        config.append(f'{ind * 3}"monitor": "{monitor}",  # a metric logged with self.log')
    lines = [
        describe(spec),
        "# Paste into your LightningModule (Lightning calls scheduler.step() for you).",
        "def configure_optimizers(self):",
        *code.lines,
        f"{ind}return {{",
        f'{ind * 2}"optimizer": optimizer,',
        f'{ind * 2}"lr_scheduler": {{',
        *config,
        f"{ind * 2}}},",
        f"{ind}}}",
    ]
    return code.header() + ("" if code.blocks else "\n") + "\n".join(lines) + "\n"
