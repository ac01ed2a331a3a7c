"""Runs given in optimizer updates (max_steps, --max-steps) and loaders without len."""

from __future__ import annotations

import json
import sys

import pytest

from lrtune.api import FindConfig, find
from lrtune.cli import main
from lrtune.errors import TaskContractError
from lrtune.model_file import load_task
from lrtune.recommend import TuneConfig

STREAM_PY = """\
import torch
from torch import nn
from torch.utils.data import DataLoader, IterableDataset, TensorDataset

W = torch.randn(8, 1)


class Stream(IterableDataset):
    def __iter__(self):  # samples forever: no len
        while True:
            x = torch.randn(8)
            yield x, x @ W + 0.1 * torch.randn(1)


def model():
    return nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))


train_loader = DataLoader(Stream(), batch_size=32)
_xv = torch.randn(128, 8)
val_loader = DataLoader(TensorDataset(_xv, _xv @ W), batch_size=128)
criterion = nn.MSELoss()
"""

FAST = dict(num_iter=30, repeats=1, device="cpu", check=0.0)


def test_stream_with_max_steps_is_planned_on_the_iteration_basis(write_model):
    task = load_task(write_model(STREAM_PY + "max_steps = 1500\n"))
    result = find(task, config=FindConfig.create(**FAST))
    data, rec = result.dataset, result.recommendation
    assert (data.max_steps, data.total_steps, data.steps_per_epoch) == (1500, 1500, None)
    assert rec.basis == "iteration" and rec.warmup + rec.decay_period == 1500


def test_steps_per_epoch_gives_a_length_to_a_stream(write_model):
    task = load_task(write_model(STREAM_PY + "steps_per_epoch = 50\nepochs = 3\n"))
    result = find(task, config=FindConfig.create(**FAST))
    assert (result.dataset.steps_per_epoch, result.dataset.total_steps) == (50, 150)
    assert result.dataset.max_steps is None


def _lrtune(monkeypatch, *args: object) -> int:
    monkeypatch.setattr(sys, "argv", ["lrtune", *map(str, args)])
    try:
        main()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def test_max_steps_option_overrides_epochs(tmp_path, write_model, monkeypatch):
    model_py = write_model(STREAM_PY + "steps_per_epoch = 50\nepochs = 3\n")
    out = tmp_path / "report"
    fast = ("--num-iter", "30", "--repeats", "1", "--device", "cpu", "--check", "0")
    code = _lrtune(monkeypatch, "find", model_py, *fast, "--max-steps", 400, "--epochs", 7,
                   "--out", out)  # fmt: skip
    assert code == 0
    saved = json.loads((out / "result.json").read_text())
    assert saved["dataset"]["total_steps"] == 400 and saved["dataset"]["max_steps"] == 400
    rec = saved["recommendation"]
    assert rec["basis"] == "iteration" and rec["warmup"] + rec["decay_period"] == 400
    # recommend from the saved result: --epochs plans in epochs again (50 updates each)
    code = _lrtune(monkeypatch, "recommend", out / "result.json", "--epochs", 4, "--out",
                   tmp_path / "r")  # fmt: skip
    assert code == 0
    redone = json.loads((tmp_path / "r" / "result.json").read_text())
    assert redone["dataset"]["total_steps"] == 200 and redone["dataset"]["max_steps"] is None


@pytest.mark.parametrize("name", ["max_steps", "steps_per_epoch"])
def test_bad_step_counts_are_contract_errors(write_model, name):
    with pytest.raises(TaskContractError, match=f"{name} must be a positive int, got 0"):
        load_task(write_model(STREAM_PY + f"{name} = 0\n"))


def test_tune_on_a_step_given_run_stays_within_its_budget(write_model):
    task = load_task(write_model(STREAM_PY + "max_steps = 600\n"))
    # 3 trials of at least 64 updates and the race's 4 runs of 4× that need 1,216 of the
    # 1,260 steps a budget of 2.1 gives
    tune = TuneConfig(n_trials=3, budget=2.1)
    result = find(task, config=FindConfig.create(**FAST, tune=tune))
    assert result.recommendation.search.n_trials == 3
    assert result.recommendation.search.cost_fraction <= 2.1
