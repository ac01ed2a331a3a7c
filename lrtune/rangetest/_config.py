"""The range test's options: :class:`RangeTestConfig`, validated on construction.

Example:
    >>> RangeTestConfig(num_iter=50).sweep.num_iter
    50
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from lrtune.errors import ConfigError
from lrtune.rangetest._sweep import Sweep, SweepMode
from lrtune.schedules._base import check_positive_int

__all__ = ["Amp", "RangeTestConfig"]

Amp = Literal["off", "auto", "bf16", "fp16"]


@dataclass(frozen=True)
class RangeTestConfig:
    """Options of a range test, validated on construction.

    Attributes:
        start_lr, end_lr, num_iter, mode: the sweep (see :class:`Sweep`).
        accumulation_steps: micro-batches whose gradients add up to one optimizer step.
        clip_grad_norm: clip the gradient norm to this value before each step.
        device: ``"auto"`` (cuda, then mps, then cpu) or a torch device string.
        amp: autocast on CUDA: ``"auto"`` (bf16 where supported, else fp16 with a
            GradScaler), ``"bf16"``, ``"fp16"`` or ``"off"``. bf16 keeps the loop free of
            host syncs; torch's GradScaler (fp16) reads its inf check on the host each step.
        seed: seeds torch/numpy/random before the loop (the data order); restored after.
        diverge_factor: stop when the smoothed loss exceeds this multiple of its best.
        stall_fraction: stop when the smoothed loss has climbed back this fraction of
            the way from its best to its start, and stays there for ``stall_patience``
            steps (a run that goes back to chance without exploding).
        check_every: host synchronisation period, in steps (the loop never syncs in between).
        smoothing: the weight of a new loss in the EMA used by the stopping rules.
    """

    start_lr: float = 1e-7
    end_lr: float = 10.0
    num_iter: int = 100
    mode: SweepMode = "exp"
    accumulation_steps: int = 1
    clip_grad_norm: float | None = None
    device: str = "auto"
    amp: Amp = "auto"
    seed: int | None = None
    diverge_factor: float = 4.0
    stall_fraction: float = 0.5
    stall_patience: int | None = None
    check_every: int = 10
    smoothing: float = 0.05

    def __post_init__(self) -> None:
        self.sweep  # validates the sweep fields  # noqa: B018
        check_positive_int("accumulation_steps", self.accumulation_steps)
        check_positive_int("check_every", self.check_every)
        if self.clip_grad_norm is not None and not self.clip_grad_norm > 0:
            raise ConfigError(f"clip_grad_norm: expected > 0 or None, got {self.clip_grad_norm}.")
        if self.amp not in ("off", "auto", "bf16", "fp16"):
            raise ConfigError(f"amp: expected off, auto, bf16 or fp16, got {self.amp!r}.")
        if not self.diverge_factor > 1:
            raise ConfigError(f"diverge_factor: expected > 1, got {self.diverge_factor}.")
        if not 0 < self.stall_fraction <= 1:
            raise ConfigError(f"stall_fraction: expected in (0, 1], got {self.stall_fraction}.")
        if self.stall_patience is not None:
            check_positive_int("stall_patience", self.stall_patience)
        if not 0 < self.smoothing <= 1:
            raise ConfigError(f"smoothing: expected in (0, 1], got {self.smoothing}.")

    @property
    def sweep(self) -> Sweep:
        return Sweep(self.start_lr, self.end_lr, self.num_iter, self.mode)
