"""The library pipeline: find → result.json → recommend, without touching the user's state."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from lrtune.analysis import CurveAnalysis
from lrtune.analysis.dataset import dataset_stats
from lrtune.api import (
    FindConfig,
    FindResult,
    _optimizer_info,
    find,
    load_result,
    recommend_from_result,
)
from lrtune.errors import ResultFileError
from lrtune.task import make_task


@pytest.fixture
def sgd_task(bn_model, cls_loader):
    return make_task(
        model=bn_model,
        train_loader=cls_loader,
        val_loader=cls_loader[:2],
        criterion=nn.CrossEntropyLoss(),
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9, nesterov=True),
        epochs=12,
    )


def test_find_fills_every_part_and_leaves_the_model_alone(sgd_task):
    before = {k: v.clone() for k, v in sgd_task.model.state_dict().items()}
    rng = torch.get_rng_state()
    result = find(
        sgd_task,
        config=FindConfig.create(
            num_iter=60, repeats=2, seed=0, device="cpu", formats=("torch", "hf")
        ),
    )
    assert [r.stage for r in result.runs] in (["sweep"] * 2, ["sweep"] * 2 + ["zoom"] * 2)
    assert result.dataset.steps_per_epoch == 6 and result.dataset.total_steps == 72
    rec = result.recommendation
    assert rec.epochs == 12 and rec.reasons
    assert "nesterov=True" in result.code["torch"] and "momentum=0.9" in result.code["torch"]
    assert set(result.code) == {"torch", "hf"}
    for k, v in sgd_task.model.state_dict().items():
        assert torch.equal(v, before[k])
    assert torch.equal(torch.get_rng_state(), rng)


def test_recommend_from_saved_result_rebuilds_the_users_optimizer(sgd_task, tmp_path):
    result = find(sgd_task, config=FindConfig.create(num_iter=60, repeats=1, device="cpu"))
    path = result.save(tmp_path / "result.json")
    saved = load_result(path)
    assert saved.analysis.suggested_lr == pytest.approx(result.analysis.suggested_lr)
    again = recommend_from_result(saved, config=FindConfig(epochs=40, scheduler="step"))
    assert again.recommendation.scheduler == "step"
    assert again.recommendation.epochs == 40 and again.dataset.total_steps == 240
    code = again.code["torch"]
    assert "torch.optim.SGD" in code and "momentum=0.9" in code and "nesterov=True" in code
    scope = {"model": nn.Linear(2, 2)}
    exec(code, scope)
    assert scope["optimizer"].defaults["momentum"] == 0.9


def test_load_result_rejects_corrupt_and_foreign_files(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ResultFileError, match="not a JSON file"):
        load_result(bad)
    bad.write_text(json.dumps({"hello": 1}))
    with pytest.raises(ResultFileError, match="not an lrtune result"):
        load_result(bad)
    bad.write_text(json.dumps({"lrtune_result": 1, "range_test": [{"lrs": [1, 2]}]}))
    with pytest.raises(ResultFileError, match="re-run"):
        load_result(bad)
    with pytest.raises(ResultFileError, match="no such file"):
        load_result(tmp_path / "missing.json")


def test_tune_without_task_is_a_clear_error(sgd_task, tmp_path):
    from lrtune.recommend import TuneConfig

    result = find(sgd_task, config=FindConfig.create(num_iter=40, repeats=1, device="cpu"))
    with pytest.raises(Exception, match="--tune trains the model"):
        recommend_from_result(result, config=FindConfig(tune=TuneConfig(n_trials=2)))


# ---------------------------------------------------------------- the horizon check in the flow


def _measured(task, lr: float) -> FindResult:
    """A result as if the range test had read ``lr`` (divergence at 10×) on ``task``.

    Tiny noisy batches make a real range test on these tasks flaky, and the recommender is
    what is under test here.
    """
    analysis = CurveAnalysis(
        lrs=(),
        losses=(),
        smoothed=(),
        steepest_lr=lr,
        valley_lr=lr,
        min_loss_lr=2 * lr,
        diverge_lr=10 * lr,
        diverge_method="growth-rate",
        suggested_lr=lr,
        lr_range=(lr / 2, 2 * lr),
        confidence="high",
    )
    optimizer = task.make_optimizer(task.model.parameters(), lr)
    return FindResult(
        runs=(),
        analysis=analysis,
        dataset=dataset_stats(task),
        optimizer=_optimizer_info(optimizer),
    )


@pytest.fixture
def overfitting(regression):
    """A wide MLP, 40 passes over 32 noisy samples, read as LR 0.03 (Adam, cosine).

    At 0.03 its validation loss bottoms out early and climbs (the check's quality is tested
    in tests/recommend/test_horizon.py; this tests the flow).
    """

    def build(*, val: bool = True):
        task = regression(noise=1.0, hidden=256, val=val)
        return task, _measured(task, 0.03)

    return build


def _rules(rec) -> list[str]:
    return [r.rule for r in rec.reasons]


def test_overfit_risk_runs_the_horizon_check_and_lowers_the_lr(overfitting):
    task, measured = overfitting()
    rec = recommend_from_result(measured, task=task).recommendation
    assert _rules(rec)[-3:] == ["overfit-risk", "stability-probe", "horizon-check"]
    assert rec.probe["failed"] == [False]  # the probe kept the peak; the check lowers it
    assert rec.check["overfit"] and rec.check["steps"] == 64  # 0.4 of 40 epochs × 4 steps
    assert rec.check["best_step"] == 12 and rec.check["lr_factor"] < 0.5
    assert rec.initial_lr == pytest.approx(0.03 * rec.check["lr_factor"])
    assert "reached its floor at step 12" in rec.reasons[-1].text
    assert rec.search is None


def test_horizon_check_needs_a_val_loader_and_can_be_turned_off(overfitting):
    task, measured = overfitting(val=False)
    rec = recommend_from_result(measured, task=task).recommendation
    assert rec.check is None and rec.initial_lr == pytest.approx(0.03)
    assert _rules(rec)[-1] == "overfit-risk"  # the caution stays
    task, measured = overfitting()
    rec = recommend_from_result(measured, task=task, config=FindConfig(check=0)).recommendation
    assert rec.check is None and rec.initial_lr == pytest.approx(0.03)
    # without the task (a saved result.json alone) nothing can be trained
    assert recommend_from_result(measured).recommendation.check is None


def test_tune_skips_the_search_when_the_check_finds_overfitting(overfitting):
    from lrtune.recommend.refine import TuneConfig

    task, measured = overfitting()
    config = FindConfig(tune=TuneConfig(n_trials=3))
    rec = recommend_from_result(measured, task=task, config=config).recommendation
    assert rec.check["overfit"] and rec.search is None
    assert _rules(rec)[-2:] == ["horizon-check", "optuna-refine"]
    assert rec.reasons[-1].text.startswith("No search: the horizon check found overfitting")


def test_tune_runs_the_check_first_and_the_trials_share_the_rest(regression):
    from lrtune.recommend.refine import TuneConfig

    task = regression(noise=0.1, hidden=0, n_train=256, epochs=20)  # linear: cannot overfit
    config = FindConfig(tune=TuneConfig(n_trials=3, budget=1.4))
    rec = recommend_from_result(_measured(task, 0.01), task=task, config=config).recommendation
    # 20 epochs × 32 steps = 640; the check trains 0.4 (256 steps) and finds nothing
    assert rec.check["steps"] == 256 and not rec.check["overfit"]
    assert rec.search.n_trials == 3
    race = rec.search.confirmation["steps"] if rec.search.confirmation else 0
    assert rec.search.cost_steps == 256 + sum(t["steps"] for t in rec.search.trials) + race
    # the rest of 1.4 × 640 (640 steps) is shared by 3 trials and the race's 2 × 2 runs of 4×
    # their length: 19 trial lengths
    complete = [t for t in rec.search.trials if t["state"] == "complete"]
    assert complete and all(t["steps"] == 640 // 19 for t in complete)
    assert race in (0, 4 * 4 * (640 // 19)) and rec.search.cost_fraction <= 1.4


def test_tune_skips_its_check_when_the_search_would_not_fit_after_it(regression):
    from lrtune.recommend.refine import TuneConfig

    task = regression(noise=0.1, hidden=0, n_train=256, epochs=15)  # < 20 passes: no caution
    config = FindConfig(tune=TuneConfig(n_trials=3, budget=0.5), probe=False)
    rec = recommend_from_result(_measured(task, 0.01), task=task, config=config).recommendation
    # 480 steps; after a check of 192, 48 cannot hold 2 trials of 32 and the race (576), and
    # 240 not the peak race's 4 runs of 15% of the run
    assert rec.check is None and rec.search is None
    assert "overfit-risk" not in [r.rule for r in rec.reasons]
    assert rec.reasons[-1].text.startswith(
        "No search: the budget 0.5× of a 480-step run, less 192 steps for the horizon check, "
        "fits no trial of 32 updates"
    )
    assert "--budget 1.6 would fit them" in rec.reasons[-1].text
    # at the default budget the peak race runs instead, without the check
    config = FindConfig(tune=TuneConfig(n_trials=3), probe=False)
    rec = recommend_from_result(_measured(task, 0.01), task=task, config=config).recommendation
    assert rec.check is None and rec.search.confirmation["kind"] == "peak-race"
    assert rec.reasons[-1].rule == "peak-race" and "it needs --budget 1.6" in rec.reasons[-1].text
    assert rec.search.cost_steps == rec.search.confirmation["steps"] <= 480
    # with a budget that fits both, the check runs first
    config = FindConfig(tune=TuneConfig(n_trials=2, budget=1.6), probe=False)
    rec = recommend_from_result(_measured(task, 0.01), task=task, config=config).recommendation
    assert rec.check["steps"] == 192 and rec.search.n_trials == 2


@pytest.mark.parametrize(
    ("check", "budget", "message"),
    [(1.5, 1.0, "check: expected a number"), (0.5, 0.5, "check: expected less than the budget")],
)
def test_find_config_validates_check(check, budget, message):
    from lrtune.errors import ConfigError
    from lrtune.recommend.refine import TuneConfig

    with pytest.raises(ConfigError, match=message):
        FindConfig(check=check, tune=TuneConfig(budget=budget))


def _full_batch_gd(epochs: int = 30):
    """Plain SGD on a linear model, the whole dataset as one batch: gradient descent."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 4, generator=g)
    y = x @ torch.randn(4, 1, generator=g)
    data = torch.utils.data.TensorDataset(x, y)
    torch.manual_seed(0)
    return make_task(
        model=nn.Linear(4, 1),
        train_loader=torch.utils.data.DataLoader(data, batch_size=64),
        val_loader=torch.utils.data.DataLoader(data, batch_size=64),
        criterion=nn.MSELoss(),
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr),
        epochs=epochs,
    )


def test_tune_keeps_the_stability_limit_of_full_batch_gradient_descent():
    from lrtune.recommend.refine import TuneConfig

    task = _full_batch_gd()
    measured = _measured(task, 0.05)  # divergence read at 0.5
    config = FindConfig(tune=TuneConfig(n_trials=3), check=0)
    rec = recommend_from_result(measured, task=task, config=config).recommendation
    assert rec.scheduler == "constant" and rec.initial_lr == pytest.approx(0.5 / 1.1)
    assert rec.search is None and _rules(rec)[-1] == "optuna-refine"
    assert rec.reasons[-1].text.startswith("No search: with full-batch gradient descent")
    # a schedule the user chose is still searched: its LR is not the stability limit
    config = FindConfig(tune=TuneConfig(n_trials=3, budget=4.0), check=0, scheduler="cosine")
    rec = recommend_from_result(measured, task=task, config=config).recommendation
    assert rec.scheduler == "cosine" and rec.search.n_trials == 3


def test_ctrl_c_during_the_peak_race_keeps_the_rules_proposal(regression, monkeypatch):
    from lrtune.errors import Interrupted
    from lrtune.recommend.refine import TuneConfig, _peaks

    def interrupted_run(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_peaks, "train_schedule", interrupted_run)
    task = regression(noise=0.1, hidden=0, n_train=256, epochs=15)
    measured = _measured(task, 0.01)
    config = FindConfig(tune=TuneConfig(n_trials=3), probe=False)
    with pytest.raises(Interrupted) as info:
        recommend_from_result(measured, task=task, config=config)
    rec = info.value.result.recommendation
    assert rec.search is None and rec.initial_lr == pytest.approx(0.01)  # the rules' proposal
    assert rec.reasons[-1].text.startswith("No search: the budget 1×")  # the race never finished


def test_ctrl_c_during_the_check_keeps_the_range_test(overfitting, monkeypatch):
    import lrtune._trained as _trained
    from lrtune.errors import Interrupted

    def interrupted_check(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_trained, "check_recommendation", interrupted_check)
    task, measured = overfitting()
    with pytest.raises(Interrupted) as info:
        recommend_from_result(measured, task=task)
    kept = info.value.result
    assert kept.analysis is measured.analysis and kept.dataset == measured.dataset
    rec = kept.recommendation
    assert rec.check is None and rec.search is None and rec.initial_lr == pytest.approx(0.03)
    assert "scheduler" in kept.code["torch"]  # the rules' proposal, rendered
