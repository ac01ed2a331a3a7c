"""The framework matrix: every registered schedule × basis × warmup, plus warmups that are
not a whole epoch (3 updates of 4), and the LR recorded at every optimizer step."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from torch.optim.optimizer import register_optimizer_step_pre_hook

from lrtune.schedules import ScheduleSpec, list_schedules
from lrtune.schedules._examples import EPOCHS, STEPS_PER_EPOCH, example_cases, example_spec

__all__ = ["CASES", "EPOCHS", "IDS", "STEPS_PER_EPOCH", "assert_exact", "recorded_lrs", "spec_of"]

_BASE, _BASE_IDS = example_cases()
_FRACTIONAL = [(n, "iteration", 3) for n in list_schedules() if n != "plateau"]
CASES = [*_BASE, *_FRACTIONAL]
IDS = [*_BASE_IDS, *(f"{n}-iteration-warm3" for n, _, _ in _FRACTIONAL)]


def spec_of(case: tuple) -> ScheduleSpec:
    name, basis, warmup = case
    if warmup is True or warmup is False:
        return example_spec(name, basis, warmup=warmup)
    return example_spec(name, basis, warmup=False).replace(warmup=warmup)


@contextmanager
def recorded_lrs() -> Iterator[list[float]]:
    """The first param group's LR as each ``optimizer.step()`` starts (any optimizer)."""
    seen: list[float] = []
    hook = register_optimizer_step_pre_hook(
        lambda opt, args, kwargs: seen.append(opt.param_groups[0]["lr"])
    )
    try:
        yield seen
    finally:
        hook.remove()


def assert_exact(
    spec: ScheduleSpec,
    lrs: list[float],
    *,
    steps_per_epoch: int = STEPS_PER_EPOCH,
    epochs: int = EPOCHS,
) -> None:
    """Every recorded LR equals the closed form within 1e-9 relative (1e-12·lr absolute)."""
    assert len(lrs) == epochs * steps_per_epoch
    want = spec.lrs_per_iteration(steps_per_epoch, len(lrs))
    for i, (got, expected) in enumerate(zip(lrs, want)):
        ok = math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12 * spec.lr)
        assert ok, (i, got, expected)
