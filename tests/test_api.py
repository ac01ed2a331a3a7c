"""The library pipeline: find → result.json → recommend, without touching the user's state."""

from __future__ import annotations

import json

import pytest
import torch
from torch import nn

from lrtune.api import FindConfig, find, load_result, recommend_from_result
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
    assert len(result.runs) == 2
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
