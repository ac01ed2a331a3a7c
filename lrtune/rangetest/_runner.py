"""The range-test loop.

Raise the LR every optimizer step and record the training loss, then put
everything back: see :func:`range_test`.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import torch
from torch import nn

from lrtune import distributed
from lrtune.errors import ConfigError, DivergedAtStartError
from lrtune.rangetest._config import Amp, RangeTestConfig
from lrtune.rangetest._result import RangeTestResult, StopReason
from lrtune.state import preserved_state, seed_everything
from lrtune.task import LossFn, criterion_loss, cycle, move_to_device

__all__ = ["ProgressFn", "range_test", "resolve_device"]

logger = logging.getLogger(__name__)

#: The first steps: their raw losses measure the batch noise, and the stopping rules' best
#: smoothed loss is read only from the last of them on.
_NOISE_WINDOW = 10
ProgressFn = Callable[[int, "float | None"], None]


def resolve_device(device: str = "auto") -> torch.device:
    """``"auto"`` → cuda if available, else mps, else cpu; anything else is checked.

    Example:
        >>> resolve_device("cpu")
        device(type='cpu')
    """
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as exc:
        raise ConfigError(f"device: expected auto, cpu, cuda[:N] or mps, got {device!r}.") from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError("device: cuda was asked for but CUDA is not available; use --device cpu.")
    return resolved


def range_test(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    train_loader: Iterable[Any],
    *,
    loss_fn: LossFn | None = None,
    criterion: Callable[[Any, Any], torch.Tensor] | None = None,
    config: RangeTestConfig | None = None,
    progress: ProgressFn | None = None,
) -> RangeTestResult:
    """Run an LR range test on objects you already have; leave them exactly as they were.

    Every optimizer step uses the next rate of the sweep; the mean training loss of
    each step is recorded. The loop stops early on divergence. Afterwards the model's
    parameters, buffers and gradients, the optimizer's state and LRs, and the RNG
    states are bitwise what they were, also after an exception. Ctrl-C ends the test
    and returns the curve so far (``stop_reason="interrupted"``).

    Inside a ``torch.distributed`` process group (e.g. under ``torchrun``), pass the model
    wrapped in ``DistributedDataParallel``: each rank draws its own shard of a map-style
    ``DataLoader`` (see :func:`lrtune.distributed.shard_loader`), the recorded loss is the
    mean over ranks, and every rank stops at the same step (a NaN on one rank stops all).

    Args:
        model: the network; moved to the test device and back.
        optimizer: an optimizer over ``model``'s parameters.
        train_loader: batches, cycled if shorter than the test.
        loss_fn: ``loss_fn(model, batch) -> scalar``; or give ``criterion(output, target)``
            for ``(inputs, targets)`` batches.
        config: options; defaults to :class:`RangeTestConfig()`.
        progress: called as ``progress(step, loss_or_None)`` after each step.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
        <torch._C.Generator object at ...>
        >>> x = torch.randn(64, 4); y = x @ torch.ones(4, 1)
        >>> model = nn.Linear(4, 1)
        >>> opt = torch.optim.SGD(model.parameters(), lr=0.1)
        >>> result = range_test(model, opt, [(x, y)], criterion=nn.MSELoss(),
        ...                     config=RangeTestConfig(start_lr=1e-4, end_lr=10, num_iter=50))
        >>> result.stop_reason
        'diverged'
    """
    config = config or RangeTestConfig()
    if loss_fn is None:
        if criterion is None:
            raise ConfigError(
                "range_test: expected loss_fn(model, batch) or criterion, got neither."
            )
        loss_fn = criterion_loss(criterion)
    device = resolve_device(config.device)
    if distributed.is_distributed() and not isinstance(model, nn.parallel.DistributedDataParallel):
        warnings.warn(
            "range_test in a process group without DistributedDataParallel: each rank trains "
            "its own copy; wrap the model (lrtune.distributed.wrap_model) to average gradients.",
            stacklevel=2,
        )
    with preserved_state(model, optimizer):
        if config.seed is not None:
            seed_everything(config.seed)
        model.to(device)
        _move_optimizer_state(optimizer, device)
        model.train()
        loop = _Loop(model, optimizer, loss_fn, config, device, progress)
        loop.run(cycle(distributed.shard_loader(train_loader, seed=config.seed)))
    return loop.result()


def _move_optimizer_state(optimizer: torch.optim.Optimizer, device: torch.device) -> None:
    for state in optimizer.state.values():
        for key, value in state.items():
            if isinstance(value, torch.Tensor) and key != "step":
                state[key] = value.to(device)


def _amp_setup(amp: Amp, device: torch.device) -> tuple[torch.dtype | None, Any]:
    """The autocast dtype and GradScaler for ``amp`` on ``device``."""
    if amp == "off" or (amp == "auto" and device.type != "cuda"):
        return None, None
    if amp == "auto":
        amp = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if amp == "bf16":
        return torch.bfloat16, None
    if device.type != "cuda":
        raise ConfigError(f"amp: fp16 needs a CUDA device, got {device.type}; use bf16 or off.")
    return torch.float16, torch.amp.GradScaler("cuda")


class _Loop:
    """One range test: the hot loop keeps losses on the device; the host looks every k steps."""

    def __init__(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        loss_fn: LossFn,
        config: RangeTestConfig,
        device: torch.device,
        progress: ProgressFn | None,
    ) -> None:
        self.model, self.optimizer, self.loss_fn = model, optimizer, loss_fn
        self.config, self.device, self.progress = config, device, progress
        self.sweep = config.sweep
        self.amp_dtype, self.scaler = _amp_setup(config.amp, device)
        self.pending: list[torch.Tensor] = []  # device tensors not yet looked at
        self.losses: list[float] = []
        self.stop_reason: StopReason = "completed"
        self.seconds = 0.0
        self._ema = 0.0
        self._smoothed: list[float] = []
        self._best = math.inf  # the stopping rules' best: after the noise window
        self._stall_run = 0
        self._patience = config.stall_patience or max(10, config.num_iter // 20)

    def run(self, batches: Any) -> None:
        start = time.perf_counter()
        try:
            for step in range(self.config.num_iter):
                self.pending.append(self._step(step, batches))
                due = (step + 1) % self.config.check_every == 0
                if (due or step == self.config.num_iter - 1) and self._check():
                    break
                if self.progress is not None:
                    self.progress(step, self.losses[-1] if self.losses else None)
        except KeyboardInterrupt:
            logger.warning("range test interrupted: keeping the curve measured so far")
            self.stop_reason = "interrupted"
            self._check(interrupted=True)
        finally:
            if self.device.type == "cuda":
                torch.cuda.synchronize(self.device)
            self.seconds = time.perf_counter() - start
        if not self.losses and self.stop_reason == "interrupted":
            raise KeyboardInterrupt  # nothing measured: an interruption, not a bad loss
        if not self.losses or not math.isfinite(self.losses[0]):
            raise DivergedAtStartError(
                f"the loss is {self.losses[0] if self.losses else 'missing'} at the first step "
                f"(lr={self.sweep.start_lr:g}): check the data for NaN/inf and that the loss is "
                "finite at initialisation."
            )

    def _step(self, step: int, batches: Any) -> torch.Tensor:
        lr = self.sweep.lr_at(step)
        for group in self.optimizer.param_groups:
            if isinstance(group["lr"], torch.Tensor):
                group["lr"].fill_(lr)
            else:
                group["lr"] = lr
        self.optimizer.zero_grad(set_to_none=True)
        accumulation = self.config.accumulation_steps
        total: torch.Tensor | None = None
        for micro in range(accumulation):
            batch = move_to_device(next(batches), self.device)
            with self._no_sync(last=micro == accumulation - 1):
                with self._autocast():
                    loss = self.loss_fn(self.model, batch)
                scaled = loss / accumulation if accumulation > 1 else loss
                if self.scaler is not None:
                    scaled = self.scaler.scale(scaled)
                scaled.backward()
            detached = loss.detach()
            total = detached if total is None else total + detached
        if self.config.clip_grad_norm is not None:
            if self.scaler is not None:
                self.scaler.unscale_(self.optimizer)
            nn.utils.clip_grad_norm_(self.model.parameters(), self.config.clip_grad_norm)
        if self.scaler is not None:
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            self.optimizer.step()
        assert total is not None
        return total / accumulation if accumulation > 1 else total

    def _no_sync(self, *, last: bool) -> contextlib.AbstractContextManager[Any]:
        """DDP's gradient all-reduce only on the last micro-batch of an accumulated step."""
        if last or not isinstance(self.model, nn.parallel.DistributedDataParallel):
            return contextlib.nullcontext()
        return self.model.no_sync()

    def _autocast(self) -> contextlib.AbstractContextManager[Any]:
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.amp_dtype)

    def _check(self, *, interrupted: bool = False) -> bool:
        """Pull the pending losses to the host (one sync) and apply the stopping rules."""
        if not self.pending:
            return False
        values = torch.stack(self.pending).float()
        if not interrupted:  # ranks may be interrupted at different steps: no collective
            values = distributed.all_mean(values)
        values = values.cpu().tolist()
        self.pending.clear()
        beta = 1.0 - self.config.smoothing
        for value in values:
            if not math.isfinite(value):
                self.losses.append(value)  # the curve shows where it blew up (or at start)
                self.stop_reason = "interrupted" if interrupted else "diverged"
                return True
            self.losses.append(value)
            n = len(self.losses)
            self._ema = beta * self._ema + (1 - beta) * value
            smoothed = self._ema / (1 - beta**n)
            self._smoothed.append(smoothed)
            if n >= _NOISE_WINDOW:  # before, the smoothed loss is a few batches' chance
                self._best = min(self._best, smoothed)
            if interrupted:
                continue
            if smoothed > self.config.diverge_factor * self._best:
                self.stop_reason = "diverged"
                return True
            if self._stalled(smoothed):
                self.stop_reason = "stalled"
                return True
        return False

    def _stalled(self, smoothed: float) -> bool:
        """The loss went down, then climbed back most of the way to its start, and stays.

        The start is the mean of the first ``_NOISE_WINDOW`` raw losses, and the best is
        taken from the smoothed losses after them. A drop counts only when it exceeds both 5%
        of the start and those losses' standard deviation: at the sweep's tiny first rates
        the model barely moves, so that spread is the batches' noise, and a smoothed dip
        within it is chance, not training. (On small noisy batches such dips stopped whole
        sweeps at 1e-6; measured from the first batch's loss, one high first batch read as
        a drop and stopped a sweep after 28 steps.)
        """
        if len(self.losses) < _NOISE_WINDOW:
            return False
        first = self.losses[:_NOISE_WINDOW]
        start = sum(first) / len(first)
        noise = math.sqrt(sum((v - start) ** 2 for v in first) / (len(first) - 1))
        drop = start - self._best
        if drop <= max(0.05 * abs(start), noise):
            self._stall_run = 0
            return False
        rebound = (smoothed - self._best) / drop
        self._stall_run = self._stall_run + 1 if rebound >= self.config.stall_fraction else 0
        return self._stall_run >= self._patience

    def result(self) -> RangeTestResult:
        n = len(self.losses)
        return RangeTestResult(
            lrs=tuple(self.sweep.lr_at(i) for i in range(n)),
            losses=tuple(self.losses),
            stop_reason=self.stop_reason,
            num_iter=self.config.num_iter,
            seconds=self.seconds,
            device=str(self.device),
            amp="off" if self.amp_dtype is None else str(self.amp_dtype).removeprefix("torch."),
            accumulation_steps=self.config.accumulation_steps,
            seed=self.config.seed,
            sweep={
                "start_lr": self.sweep.start_lr,
                "end_lr": self.sweep.end_lr,
                "num_iter": self.sweep.num_iter,
                "mode": self.sweep.mode,
            },
        )
