"""One shared suite over every registered spec × basis × emitter."""

from __future__ import annotations

import ast
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml
from torch.optim.optimizer import register_optimizer_step_pre_hook

from lrtune.emit import FORMATS, render_code, render_or_refusal
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec, list_schedules, spec_from_dict
from lrtune.schedules._examples import EPOCHS, STEPS_PER_EPOCH, example_cases, example_spec

ROOT = Path(__file__).resolve().parents[2]
CASES, IDS = example_cases()
PY_FORMATS = [f for f in FORMATS if f not in ("yaml", "json")]
# Names the snippets expect from the user's script (undefined when checked in isolation).
USER_NAMES = {"model", "train_dataset", "eval_dataset"}


def spec_of(case: tuple[str, str, bool]) -> ScheduleSpec:
    name, basis, warmup = case
    return example_spec(name, basis, warmup=warmup)


def render(spec: ScheduleSpec, fmt: str) -> str:
    return render_code(spec, fmt, steps_per_epoch=STEPS_PER_EPOCH, epochs=EPOCHS)


def render_any(spec: ScheduleSpec, fmt: str) -> str:
    """The code, or the one-line refusal comment (valid Python either way)."""
    return render_or_refusal(spec, fmt, steps_per_epoch=STEPS_PER_EPOCH, epochs=EPOCHS)


def close(a: float, b: float, peak: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12 * peak)


def n_steps(spec: ScheduleSpec) -> int:
    return EPOCHS if spec.basis == "epoch" else EPOCHS * STEPS_PER_EPOCH


def step_and_record(spec: ScheduleSpec, optimizer, scheduler, steps: int) -> list[float]:
    lrs = []
    for i in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step(1.0 / (i + 1)) if spec.needs_metric else scheduler.step()
    return lrs


def assert_follows(spec: ScheduleSpec, lrs: list[float]) -> None:
    for step, lr in enumerate(lrs):
        assert close(lr, spec.lr_at(step), spec.lr), (step, lr, spec.lr_at(step))


@pytest.fixture(scope="module")
def ruff_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    """Every Python snippet written to one folder and checked by one ruff run."""
    folder = tmp_path_factory.mktemp("snippets")
    for case, case_id in zip(CASES, IDS):
        for fmt in PY_FORMATS:
            text = render_any(spec_of(case), fmt)
            (folder / f"{case_id.replace('-', '_')}__{fmt}.py").write_text(text)
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--config", str(ROOT / "pyproject.toml")]
        + ["--output-format", "json", "--no-cache", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    report: dict[str, list[dict]] = {}
    for item in json.loads(result.stdout or "[]"):
        report.setdefault(Path(item["filename"]).name, []).append(item)
    return report


@pytest.mark.parametrize("fmt", PY_FORMATS)
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_snippet_parses_and_is_ruff_clean(case, fmt: str, ruff_report) -> None:
    text = render_any(spec_of(case), fmt)
    ast.parse(text)
    name = f"{IDS[CASES.index(case)].replace('-', '_')}__{fmt}.py"
    problems = [
        v
        for v in ruff_report.get(name, [])
        if not (v["code"] == "F821" and re.search(r"`(\w+)`", v["message"]).group(1) in USER_NAMES)
    ]
    assert problems == [], text


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_torch_snippet_executed_follows_closed_form(case) -> None:
    spec = spec_of(case)
    scope = {"model": torch.nn.Linear(3, 1)}
    exec(compile(render(spec, "torch"), "<snippet>", "exec"), scope)
    lrs = step_and_record(spec, scope["optimizer"], scope["scheduler"], n_steps(spec) + 2)
    assert_follows(spec, lrs)
    if spec.warmup:
        assert 0 < lrs[0] < spec.lr


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_loop_template_trains_with_closed_form_lrs(case) -> None:
    spec = spec_of(case)
    scope: dict = {}
    exec(compile(render(spec, "loop"), "<loop>", "exec"), scope)
    seen: list[float] = []
    calls = [0]

    def loss_fn(model, batch):
        calls[0] += 1  # ever-decreasing loss: no plateau
        return model(batch).sum() * 0.0 + 1.0 / calls[0]

    hook = register_optimizer_step_pre_hook(
        lambda opt, args, kwargs: seen.append(opt.param_groups[0]["lr"])
    )
    try:
        loader = [torch.ones(2, 3)] * STEPS_PER_EPOCH
        scope["train"](torch.nn.Linear(3, 1), loader, loss_fn)
    finally:
        hook.remove()
    assert len(seen) == EPOCHS * STEPS_PER_EPOCH
    expected = spec.lrs_per_iteration(STEPS_PER_EPOCH, len(seen))
    for i, (lr, want) in enumerate(zip(seen, expected)):
        assert close(lr, want, spec.lr), (i, lr, want)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_lightning_configure_optimizers_interval_and_curve(case) -> None:
    spec = spec_of(case)
    if spec.needs_metric and spec.basis == "iteration":
        with pytest.raises(ConfigError, match="use basis='epoch'"):
            render(spec, "lightning")
        return
    scope: dict = {}
    exec(compile(render(spec, "lightning"), "<lightning>", "exec"), scope)
    module = torch.nn.Linear(3, 1)
    config = scope["configure_optimizers"](module)
    sched_cfg = config["lr_scheduler"]
    assert sched_cfg["interval"] == ("step" if spec.basis == "iteration" else "epoch")
    assert ("monitor" in sched_cfg) == spec.needs_metric
    lrs = step_and_record(spec, config["optimizer"], sched_cfg["scheduler"], n_steps(spec))
    assert_follows(spec, lrs)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hf_and_timm_render_or_refuse_in_one_line(case) -> None:
    # exactness in the real frameworks: tests/frameworks/
    spec = spec_of(case)
    for fmt in ("hf", "timm"):
        try:
            render(spec, fmt)
        except ConfigError as exc:
            assert "\n" not in str(exc) and ("use" in str(exc) or "expected" in str(exc))


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_round_trips_to_the_same_spec(case, fmt: str) -> None:
    spec = spec_of(case)
    text = render(spec, fmt)
    data = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    assert spec_from_dict(data["scheduler"]) == spec
    assert data["optimizer"]["lr"] == spec.lr


def test_optimizer_line_reproduces_instance_hyperparameters() -> None:
    params = [torch.zeros(2, requires_grad=True)]
    user = torch.optim.SGD(params, lr=0.5, momentum=0.9, nesterov=True, weight_decay=1e-4)
    spec = example_spec("cosine", "iteration")
    text = render_code(spec, "torch", optimizer=user)
    assert "torch.optim.SGD(" in text and "lr=0.1," in text and "momentum=0.9," in text
    assert "weight_decay=0.0001," in text and "nesterov=True," in text
    scope = {"model": torch.nn.Linear(3, 1)}
    exec(text, scope)
    got = scope["optimizer"].defaults
    for key in ("momentum", "nesterov", "weight_decay"):
        assert got[key] == user.defaults[key]


def test_optimizer_betas_and_class_and_name() -> None:
    adam = torch.optim.AdamW([torch.zeros(1, requires_grad=True)], betas=(0.9, 0.95))
    spec = example_spec("constant", "epoch")
    assert "betas=(0.9, 0.95)" in render_code(spec, "torch", optimizer=adam)
    assert "torch.optim.Adam(" in render_code(spec, "torch", optimizer=torch.optim.Adam)
    assert "torch.optim.SGD(" in render_code(spec, "torch", optimizer="sgd")
    with pytest.raises(ConfigError, match="expected one of adamw"):
        render_code(spec, "torch", optimizer="lion")


def test_render_code_unknown_format_raises() -> None:
    with pytest.raises(ConfigError, match="format: expected one of torch"):
        render_code(example_spec("constant", "epoch"), "keras")


def test_combination_count() -> None:
    # specs × bases × emitters (warmup variants are extra cases on top)
    assert len(list_schedules()) * 2 * len(FORMATS) == 154


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"batch_size": 0}, "batch_size"), ({"accumulation": 1.5}, "accumulation")]
)
def test_train_settings_reject_counts_that_are_not_positive_ints(kwargs, name):
    from lrtune.emit import TrainSettings

    with pytest.raises(ConfigError, match=rf"^{name}: expected a positive int, got "):
        TrainSettings(**kwargs)
