"""The oracle grid's schedule shapes, as torch native schedulers on an iteration basis."""

from __future__ import annotations

from collections.abc import Callable

from torch.optim import Optimizer
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    LambdaLR,
    LinearLR,
    LRScheduler,
    OneCycleLR,
    SequentialLR,
)

__all__ = ["COOLDOWN_FRACTION", "SHAPES", "WARMUP_FRACTION", "build", "warmup_steps"]

WARMUP_FRACTION = 0.05
COOLDOWN_FRACTION = 0.2
SHAPES = ("constant", "cosine", "warmup_cosine", "onecycle", "wsd")


def warmup_steps(total: int) -> int:
    """Warmup length of ``warmup_cosine``: 5% of the run, at least one step."""
    return max(1, round(WARMUP_FRACTION * total))


def build(shape: str, total: int) -> Callable[[Optimizer], LRScheduler]:
    """A ``make_scheduler(optimizer)`` for ``shape`` over ``total`` iterations.

    - ``constant``: the optimizer's LR throughout.
    - ``cosine``: ``CosineAnnealingLR(T_max=total, eta_min=0)``.
    - ``warmup_cosine``: linear warmup from LR/(W+1) to LR over W = 5% of the steps, then
      cosine to 0 over the rest (``SequentialLR``).
    - ``onecycle``: ``OneCycleLR(max_lr=LR, total_steps=total)`` with torch defaults,
      except that momentum is not cycled for an optimizer without it (cycling would turn
      plain SGD into SGD with momentum; Adagrad has none).
    - ``wsd``: warmup–stable–decay: the same warmup, the LR held, then a (1 − sqrt)
      cooldown to 0 over the last 20% of the steps (arXiv 2405.18392).
    """
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; expected one of {', '.join(SHAPES)}.")
    if total < 2:
        raise ValueError(f"total must be at least 2 steps, got {total}.")

    def make(optimizer: Optimizer) -> LRScheduler:
        if shape == "constant":
            return LambdaLR(optimizer, lambda _: 1.0)
        if shape == "cosine":
            return CosineAnnealingLR(optimizer, T_max=total, eta_min=0.0)
        if shape == "wsd":
            return LambdaLR(optimizer, _wsd(total))
        if shape == "warmup_cosine":
            w = warmup_steps(total)
            warm = LinearLR(optimizer, start_factor=1.0 / (w + 1), end_factor=1.0, total_iters=w)
            decay = CosineAnnealingLR(optimizer, T_max=total - w, eta_min=0.0)
            return SequentialLR(optimizer, [warm, decay], milestones=[w])
        lr = optimizer.param_groups[0]["lr"]
        defaults = optimizer.defaults  # cycle what the optimizer has: momentum or beta1
        cycle = bool(defaults.get("momentum")) or "betas" in defaults
        return OneCycleLR(optimizer, max_lr=lr, total_steps=total, cycle_momentum=cycle)

    return make


def _wsd(total: int) -> Callable[[int], float]:
    w = warmup_steps(total)
    cool = max(1, round(COOLDOWN_FRACTION * total))
    start = total - cool

    def factor(step: int) -> float:
        if step < w:
            return (step + 1) / (w + 1)
        if step < start:
            return 1.0
        return max(0.0, 1.0 - ((step - start) / cool) ** 0.5)

    return factor
