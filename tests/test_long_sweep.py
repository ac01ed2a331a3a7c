"""The long sweep: a flat first sweep is measured again, as long as the planned run, and read."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from lrtune._measure import measure
from lrtune._readings import analyse_runs, read_runs
from lrtune._second_sweep import LONG_CAP, long_sweep_steps
from lrtune.api import FindConfig, find, load_result
from lrtune.rangetest import RangeTestConfig
from lrtune.task import make_task

from .conftest import ROOT, SITUATION_REPEATS

#: A plain MLP on Gaussian quantiles, RMSprop: its 100-step sweep's loss hardly moves.
FLAT = ROOT / "benchmarks" / "tasks" / "gaussq_mlp_rmsprop" / "model.py"
#: Six plain ReLU layers of 48, SGD: flat, and what little it falls is just before its cliff.
NARROW = ROOT / "benchmarks" / "tasks" / "digits_narrow_sgd" / "model.py"
REPEATS = SITUATION_REPEATS


@pytest.fixture(scope="module")
def flat():
    # seed 1: its three repeats stay flat, and it sweeps long (seed 0 zooms instead)
    return find(FLAT, config=FindConfig.create(seed=1, device="cpu", probe=False, repeats=REPEATS))


def test_a_flat_sweep_is_swept_again_for_the_planned_run_and_read_there(flat):
    stages = [run.stage for run in flat.runs]
    assert stages == ["sweep"] * 3 + ["long"]
    first = analyse_runs(flat.runs[:3], momentum=0.0)
    assert first.flat and first.drop_fraction < 0.05 and first.confidence == "low"
    assert not first.flat_then_cliff
    long = flat.runs[3]
    assert long.num_iter == flat.dataset.total_steps == 600  # 12 epochs of 50 updates
    assert long.sweep["start_lr"] == flat.runs[0].sweep["start_lr"]
    assert long.sweep["end_lr"] == flat.runs[0].sweep["end_lr"]
    assert long.seed == flat.runs[0].seed and not long.fresh_init  # the first repeat's model
    assert read_runs(flat.runs) == (long,)
    assert flat.analysis == analyse_runs((long,), momentum=0.0)
    reasons = {r.rule: r.text for r in flat.recommendation.reasons}
    assert "fell by less than 5% over its 100 steps" in reasons["long-sweep"]
    assert "600 steps long" in reasons["long-sweep"]
    assert "zoom" not in reasons and "repeats" not in reasons  # one run read, no zoom after


def test_the_long_sweep_survives_result_json(flat, tmp_path):
    loaded = load_result(flat.save(tmp_path / "result.json"))
    assert [run.stage for run in loaded.runs] == ["sweep"] * 3 + ["long"]
    assert loaded.analysis == flat.analysis


def test_a_flat_then_cliff_curve_zooms_instead():
    config = FindConfig.create(seed=0, device="cpu", probe=False, check=0, repeats=REPEATS)
    result = find(NARROW, config=config)
    first = analyse_runs(result.runs[:3], momentum=0.9)
    assert first.flat and first.flat_then_cliff
    assert [run.stage for run in result.runs] == ["sweep"] * 3 + ["zoom"] * 3


def test_no_zoom_reads_the_flat_first_sweep():
    config = FindConfig.create(
        seed=0, device="cpu", probe=False, zoom=False, check=0, repeats=REPEATS
    )
    result = find(FLAT, config=config)
    assert [run.stage for run in result.runs] == ["sweep"] * 3
    assert result.analysis.flat
    assert "raise --num-iter" in " ".join(result.analysis.notes)
    assert "long-sweep" not in {r.rule for r in result.recommendation.reasons}


def test_long_sweep_steps_follow_the_planned_run_within_the_cap():
    assert long_sweep_steps(100, 345) == 345
    assert long_sweep_steps(100, 10_000) == LONG_CAP * 100
    assert long_sweep_steps(100, None) == LONG_CAP * 100  # the run's length is not known
    assert long_sweep_steps(100, 100) is None  # the first sweep was already that long


def _still_task(epochs: int | None):
    torch.manual_seed(0)
    x, y = torch.randn(16, 4), torch.randn(16, 1)
    batches = [(x, y)] * 6  # one batch: at these rates the loss does not move at all
    model = nn.Linear(4, 1)
    return make_task(model=model, train_loader=batches, criterion=nn.MSELoss(), epochs=epochs)


def _measure(task, planned, **options):
    config = RangeTestConfig(start_lr=1e-9, end_lr=1e-7, num_iter=20, seed=0)  # far too low
    optimizer = torch.optim.SGD(task.model.parameters(), lr=1e-9)
    return measure(
        task,
        optimizer,
        config,
        repeats=2,
        momentum=0.0,
        planned_updates=planned,
        **{"zoom": True, **options},
    )


def test_measure_runs_the_long_sweep_only_on_a_flat_curve_and_restores_the_model():
    task = _still_task(epochs=None)
    before = {k: v.clone() for k, v in task.model.state_dict().items()}
    runs, analysis = _measure(task, None)
    assert [(r.stage, r.num_iter) for r in runs] == [("sweep", 20)] * 2 + [("long", 200)]
    assert analysis.lrs == pytest.approx(runs[-1].lrs[: len(analysis.lrs)])
    after = task.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    runs, _ = _measure(task, 60)  # the planned run's 60 updates
    assert runs[-1].num_iter == 60
    runs, analysis = _measure(task, 20)  # a run no longer than the first sweep
    assert [r.stage for r in runs] == ["sweep"] * 2 and analysis.flat
    runs, _ = _measure(task, None, zoom=False)
    assert [r.stage for r in runs] == ["sweep"] * 2


def test_a_curve_that_falls_is_not_swept_again():
    task = _still_task(epochs=None)
    config = RangeTestConfig(start_lr=1e-4, end_lr=0.5, num_iter=40, seed=0)
    optimizer = torch.optim.SGD(task.model.parameters(), lr=1e-4)
    runs, analysis = measure(task, optimizer, config, repeats=2, zoom=True, momentum=0.0)
    assert not analysis.flat
    assert [r.stage for r in runs] == ["sweep"] * 2
