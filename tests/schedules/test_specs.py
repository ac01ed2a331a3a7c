"""One shared suite over every registered schedule spec, on both bases."""

from __future__ import annotations

import json
import math

import pytest
import torch

from lrtune.errors import ConfigError, LrtuneError, UnknownSchedulerError
from lrtune.schedules import (
    OneCycleSchedule,
    ScheduleSpec,
    get_schedule,
    list_schedules,
    make_schedule,
    spec_from_dict,
)
from lrtune.schedules._examples import EPOCHS, STEPS_PER_EPOCH, example_cases, example_spec

CASES, IDS = example_cases()


def n_steps(spec: ScheduleSpec) -> int:
    return EPOCHS if spec.basis == "epoch" else EPOCHS * STEPS_PER_EPOCH


def close(a: float, b: float, peak: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12 * peak)


def make_optimizer() -> torch.optim.Optimizer:
    return torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=123.0)


def run_scheduler(spec: ScheduleSpec, steps: int) -> list[float]:
    """LR during each of ``steps`` scheduler steps, stepping optimizer then scheduler."""
    optimizer = make_optimizer()
    scheduler = spec.build(optimizer)
    lrs = []
    for i in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if spec.needs_metric:
            scheduler.step(1.0 / (i + 1))  # always improving: no plateau
        else:
            scheduler.step()
    return lrs


@pytest.mark.parametrize(("name", "basis", "warmup"), CASES, ids=IDS)
def test_build_matches_closed_form_every_step(name: str, basis: str, warmup: bool) -> None:
    spec = example_spec(name, basis, warmup=warmup)
    steps = n_steps(spec) + 3
    lrs = run_scheduler(spec, steps)
    for step, lr in enumerate(lrs):
        assert close(lr, spec.lr_at(step), spec.lr), (step, lr, spec.lr_at(step))


@pytest.mark.parametrize(("name", "basis", "warmup"), CASES, ids=IDS)
def test_spec_round_trips_through_json(name: str, basis: str, warmup: bool) -> None:
    spec = example_spec(name, basis, warmup=warmup)
    data = json.loads(json.dumps(spec.to_dict()))
    assert data["name"] == name
    assert spec_from_dict(data) == spec


@pytest.mark.parametrize(("name", "basis", "warmup"), CASES, ids=IDS)
def test_first_batch_lr_is_warmup_start(name: str, basis: str, warmup: bool) -> None:
    spec = example_spec(name, basis, warmup=warmup)
    first = run_scheduler(spec, 1)[0]
    if spec.warmup:
        assert 0 < first < spec.lr
        assert close(first, spec.lr / (spec.warmup + 1), spec.lr)
    else:
        assert close(first, spec.lr_at(0), spec.lr)


@pytest.mark.parametrize("name", list_schedules())
def test_epoch_basis_constant_within_epoch(name: str) -> None:
    spec = example_spec(name, "epoch")
    lrs = spec.lrs_per_iteration(STEPS_PER_EPOCH, EPOCHS * STEPS_PER_EPOCH)
    for epoch in range(EPOCHS):
        chunk = lrs[epoch * STEPS_PER_EPOCH : (epoch + 1) * STEPS_PER_EPOCH]
        assert len(set(chunk)) == 1


@pytest.mark.parametrize("name", list_schedules())
def test_to_basis_round_trip(name: str) -> None:
    spec = example_spec(name, "epoch")
    back = spec.to_basis("iteration", STEPS_PER_EPOCH).to_basis("epoch", STEPS_PER_EPOCH)
    for key, value in spec.to_dict().items():
        if isinstance(value, float):
            assert math.isclose(back.to_dict()[key], value, rel_tol=1e-12)
        else:
            assert back.to_dict()[key] == value


def test_onecycle_matches_torch_onecycle_within_total() -> None:
    spec = OneCycleSchedule(lr=0.5, total=20, basis="iteration", three_phase=True)
    optimizer = make_optimizer()
    ref = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=0.5, total_steps=20, three_phase=True, cycle_momentum=False
    )
    for step in range(20):
        assert close(optimizer.param_groups[0]["lr"], spec.lr_at(step), spec.lr)
        optimizer.step()
        ref.step() if step < 19 else None


def test_onecycle_past_total_holds_final_lr() -> None:
    spec = example_spec("onecycle", "iteration")
    lrs = run_scheduler(spec, 3 * spec.total)
    assert lrs[-1] == pytest.approx(spec.lr / 25 / 1e4, rel=1e-9)
    assert lrs[spec.total - 1] == pytest.approx(lrs[-1], rel=1e-9)


def test_plateau_reduces_after_patience_without_improvement() -> None:
    spec = make_schedule("plateau", lr=1.0, patience=1, factor=0.5)
    optimizer = make_optimizer()
    scheduler = spec.build(optimizer)
    for _ in range(3):
        optimizer.step()
        scheduler.step(1.0)
    assert optimizer.param_groups[0]["lr"] == 0.5


def test_cosine_acceptance_curve() -> None:
    spec = make_schedule(
        "cosine", lr=0.01, total=30, warmup=5, eta_min_ratio=0.01, basis="iteration"
    )
    lrs = run_scheduler(spec, 31)
    assert lrs[0] == pytest.approx(0.01 / 6, rel=1e-9)
    assert lrs[5] == pytest.approx(0.01, rel=1e-9)
    assert lrs[30] == pytest.approx(1e-4, rel=1e-9)


def test_get_schedule_unknown_name_lists_valid_names() -> None:
    with pytest.raises(UnknownSchedulerError) as info:
        get_schedule("cosin")
    assert "cosine" in str(info.value) and "'cosin'" in str(info.value)
    assert isinstance(info.value, LrtuneError)


@pytest.mark.parametrize(
    ("name", "params", "fragment"),
    [
        ("cosine", {"lr": 0.0, "total": 10}, "lr: expected a number > 0, got 0.0"),
        ("cosine", {"lr": 0.1, "total": 5, "warmup": 5}, "more than warmup"),
        ("cosine", {"lr": 0.1, "total": 5, "basis": "batch"}, "basis: expected one of"),
        ("step", {"lr": 0.1, "step_size": 0}, "step_size: expected an integer >= 1, got 0"),
        ("multistep", {"lr": 0.1, "milestones": [5, 2]}, "strictly increasing"),
        ("onecycle", {"lr": 0.1, "total": 2}, "one-cycle phase"),
        ("plateau", {"lr": 0.1, "warmup": 2}, "warmup: expected 0"),
        ("wsd", {"lr": 0.1, "total": 10, "cooldown": "exp"}, "cooldown: expected one of"),
        ("cosine", {"lr": 0.1, "total": 10, "bogus": 1}, "got bogus"),
        ("cosine", {"lr": 0.1}, "expected a value for total"),
    ],
)
def test_make_schedule_bad_parameter_raises_config_error(
    name: str, params: dict, fragment: str
) -> None:
    with pytest.raises(ConfigError, match="expected") as info:
        make_schedule(name, **params)
    assert fragment in str(info.value)
