"""Example specs of every registered type, for the shared tests and the documentation plots."""

from __future__ import annotations

from typing import Any

from lrtune.schedules._base import Basis, ScheduleSpec
from lrtune.schedules._registry import list_schedules, make_schedule

__all__ = ["example_cases", "example_spec"]

# Parameters on the epoch basis, for a run of 8 epochs (periods in epochs).
_EPOCH_PARAMS: dict[str, dict[str, Any]] = {
    "constant": {},
    "step": {"step_size": 2, "gamma": 0.5},
    "multistep": {"milestones": (3, 5), "gamma": 0.3},
    "exponential": {"gamma": 0.7},
    "cosine": {"total": 8, "eta_min_ratio": 0.01},
    "cosine_restarts": {"T_0": 2, "T_mult": 2, "eta_min_ratio": 0.05},
    "onecycle": {"total": 8, "pct_start": 0.3},
    "linear": {"total": 8, "eta_min_ratio": 0.1},
    "polynomial": {"total": 8, "power": 2.0, "eta_min_ratio": 0.05},
    "wsd": {"total": 8, "decay_fraction": 0.25, "cooldown": "sqrt"},
    "plateau": {"patience": 2, "factor": 0.5},
}
EPOCHS = 8
STEPS_PER_EPOCH = 4


def example_spec(name: str, basis: Basis, *, warmup: bool = True, lr: float = 0.1) -> ScheduleSpec:
    """An example ``name`` spec for an 8-epoch run of 4 steps per epoch.

    With ``warmup``, a 1-epoch warmup (not for plateau, which has none). On the iteration
    basis the periods are converted with :meth:`ScheduleSpec.to_basis`.

    Example:
        >>> example_spec("cosine", "iteration").total
        32
    """
    if name not in list_schedules():
        make_schedule(name)  # raises UnknownSchedulerError
    params = dict(_EPOCH_PARAMS[name])
    use_warmup = warmup and name != "plateau"
    spec = make_schedule(name, lr=lr, basis="epoch", warmup=1 if use_warmup else 0, **params)
    return spec.to_basis(basis, STEPS_PER_EPOCH)


def example_cases() -> tuple[list[tuple[str, Basis, bool]], list[str]]:
    """Every registered type × both bases × with/without warmup (plateau has none), and ids.

    Example:
        >>> cases, ids = example_cases()
        >>> ids[0]
        'constant-epoch-warm'
    """
    cases: list[tuple[str, Basis, bool]] = [
        (name, basis, warmup)
        for name in list_schedules()
        for basis in ("epoch", "iteration")
        for warmup in (True, False)
        if not (name == "plateau" and warmup)
    ]
    return cases, [f"{n}-{b}-{'warm' if w else 'nowarm'}" for n, b, w in cases]
