"""timm's real scheduler code (timm.scheduler, loaded without timm/__init__, which imports
torchvision) reproduces lrtune's closed form, through the emitted code and the train.py YAML.

Not covered: timm/__init__ and the model side (need torchvision), and train.py itself (not
in the wheel): its loop is mirrored here (step_update after each update, step at each epoch
end) and its YAML goes through timm's own ``scheduler_kwargs``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
import types
from pathlib import Path

import pytest
import torch
import yaml

from lrtune.emit import render_code, timm_args, timm_train_config
from lrtune.errors import ConfigError
from lrtune.schedules import spec_for_run
from tests.frameworks._matrix import (
    CASES,
    EPOCHS,
    IDS,
    STEPS_PER_EPOCH,
    assert_exact,
    recorded_lrs,
    spec_of,
)

REFUSED = {"onecycle", "plateau"}


@pytest.fixture(scope="module")
def timm_scheduler():
    """``timm.scheduler`` from the installed timm, its package ``__init__`` never run."""
    found = importlib.util.find_spec("timm")
    if found is None or found.origin is None:
        pytest.skip("timm is not installed")
    saved = {k: v for k, v in sys.modules.items() if k == "timm" or k.startswith("timm.")}
    for key in saved:
        del sys.modules[key]
    package = types.ModuleType("timm")
    package.__path__ = [str(Path(found.origin).parent)]
    sys.modules["timm"] = package
    try:
        yield importlib.import_module("timm.scheduler")
    finally:
        for key in [k for k in sys.modules if k == "timm" or k.startswith("timm.")]:
            del sys.modules[key]
        sys.modules.update(saved)


def _train(scheduler, optimizer, num_epochs: int) -> None:
    """timm's train.py loop: step_update after each update, step at the end of each epoch."""
    updates = 0
    for epoch in range(num_epochs):
        for _ in range(STEPS_PER_EPOCH):
            optimizer.step()
            updates += 1
            scheduler.step_update(num_updates=updates)
        scheduler.step(epoch + 1)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_timm_code_follows_closed_form(case, timm_scheduler) -> None:
    spec = spec_of(case)
    options = {"steps_per_epoch": STEPS_PER_EPOCH, "epochs": EPOCHS}
    if spec.name in REFUSED:
        with pytest.raises(ConfigError, match="use --format torch"):
            render_code(spec, "timm", **options)
        return
    scope = {"model": torch.nn.Linear(3, 1)}
    exec(compile(render_code(spec, "timm", **options), "<timm>", "exec"), scope)
    assert scope["num_epochs"] == EPOCHS and isinstance(scope["num_epochs"], int)
    with recorded_lrs() as lrs:
        _train(scope["scheduler"], scope["optimizer"], scope["num_epochs"])
    assert_exact(spec, lrs)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_timm_train_yaml_follows_closed_form(case, timm_scheduler) -> None:
    spec = spec_of(case)
    try:
        cfg = timm_train_config(spec, steps_per_epoch=STEPS_PER_EPOCH, epochs=EPOCHS)
    except ConfigError as exc:
        if "restart cycles" in str(exc):  # T_0=2, T_mult=2: cycles end at epochs 6 and 14
            assert spec.name == "cosine_restarts" and "use epochs=" in str(exc)
        else:
            assert spec.name in REFUSED or spec.warmup % STEPS_PER_EPOCH, exc
        return
    args = argparse.Namespace(**yaml.safe_load(yaml.safe_dump(cfg)))
    kwargs = timm_scheduler.scheduler_kwargs(args, decreasing_metric=True)
    optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=cfg["lr"])
    scheduler, num_epochs = timm_scheduler.create_scheduler_v2(
        optimizer, **kwargs, updates_per_epoch=STEPS_PER_EPOCH
    )
    assert num_epochs == EPOCHS and isinstance(num_epochs, int)
    with recorded_lrs() as lrs:
        _train(scheduler, optimizer, num_epochs)
    assert_exact(spec, lrs)


@pytest.mark.parametrize("name", ["cosine", "step", "multistep", "linear", "cosine_restarts"])
@pytest.mark.parametrize("updates", [7, 97])
def test_timm_warmup_without_an_exact_float_stays_exact(name, updates, timm_scheduler) -> None:
    # 29 / 7 * 7 != 29 for every float near 29 / 7: timm gets a value just below 29
    spec = spec_for_run(name, lr=0.1, epochs=6, steps_per_epoch=updates, basis="iteration")
    spec = spec.replace(warmup=29)
    args = timm_args(spec, steps_per_epoch=updates, epochs=6)
    assert args["warmup_epochs"] * updates <= 29
    scope = {"model": torch.nn.Linear(3, 1)}
    text = render_code(spec, "timm", steps_per_epoch=updates, epochs=6)
    exec(compile(text, "<timm>", "exec"), scope)
    lrs = []
    updates_done = 0
    for epoch in range(scope["num_epochs"]):
        for _ in range(updates):
            lrs.append(scope["optimizer"].param_groups[0]["lr"])
            updates_done += 1
            scope["scheduler"].step_update(num_updates=updates_done)
        scope["scheduler"].step(epoch + 1)
    assert_exact(spec, lrs, steps_per_epoch=updates, epochs=6)
