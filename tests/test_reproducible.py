"""The same command with the same --seed gives the same result.json, timings aside."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# Nothing here seeds: the weights, the dropout and the data order come from lrtune's --seed.
MODEL_PY = """\
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

x = torch.randn(128, 6)
y = (x[:, :2].sum(1) > 0).long()
model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 2))
train_loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
criterion = nn.CrossEntropyLoss()
epochs = 5
"""

FACTORY_PY = MODEL_PY.replace(
    "model = nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Dropout(0.2), nn.Linear(32, 2))",
    "def model():\n    return nn.Sequential(nn.Linear(6, 32), nn.ReLU(), nn.Linear(32, 2))",
)


def _find(model_py, out, seed: int) -> dict:
    subprocess.run(
        [sys.executable, "-m", "lrtune", "find", str(model_py), "--num-iter", "30"]
        + ["--device", "cpu", "--check", "0", "--seed", str(seed), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    data = json.loads((out / "result.json").read_text())
    for run in data["range_test"]:
        run.pop("seconds")  # the only timing in result.json
    return data


@pytest.mark.parametrize("source", [MODEL_PY, FACTORY_PY], ids=["object", "factory"])
def test_find_twice_in_fresh_processes_gives_the_same_result(tmp_path, source):
    model_py = tmp_path / "model.py"
    model_py.write_text(source)
    first = _find(model_py, tmp_path / "a", seed=0)
    assert first == _find(model_py, tmp_path / "b", seed=0)
    fresh = [run["fresh_init"] for run in first["range_test"] if run["stage"] == "sweep"]
    rules = [r["rule"] for r in first["recommendation"]["reasons"]]
    assert "repeats" in rules
    if source is FACTORY_PY:  # the repeats after the first build their own model
        assert fresh == [False, True, True, True]  # the default four repeats
        assert first["range_test"][1]["losses"][0] != first["range_test"][0]["losses"][0]
        other = _find(model_py, tmp_path / "c", seed=1)  # another seed, other weights
        assert other["range_test"][0]["losses"][0] != first["range_test"][0]["losses"][0]
    else:  # an object: the same initial weights, other data orders
        assert fresh == [False, False, False, False]


def test_find_runs_cudnn_deterministic_where_it_is_seeded_and_gives_the_settings_back():
    import torch
    from torch import nn

    from lrtune import FindConfig, find
    from lrtune.task import make_task

    seen: list[tuple[bool, bool]] = []
    cudnn = torch.backends.cudnn

    def loss_fn(model, batch):
        seen.append((cudnn.deterministic, cudnn.benchmark))
        x, y = batch
        return nn.functional.mse_loss(model(x), y)

    x = torch.randn(64, 3)
    batches = [(x[i : i + 16], x[i : i + 16].sum(1, keepdim=True)) for i in (0, 16, 32)]
    task = make_task(
        model=nn.Linear(3, 1),
        train_loader=batches,
        val_loader=batches[:1],
        loss_fn=loss_fn,
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr),
        epochs=2,
    )
    saved = cudnn.deterministic, cudnn.benchmark
    cudnn.deterministic, cudnn.benchmark = False, True  # a user's autotuning setting
    try:
        find(task, config=FindConfig.create(seed=0, num_iter=30, repeats=1, check=0))
        assert seen and set(seen) == {(True, False)}
        assert (cudnn.deterministic, cudnn.benchmark) == (False, True)
        seen.clear()
        find(task, config=FindConfig.create(seed=None, num_iter=30, repeats=1, check=0))
        # no seed: the range test runs with the user's settings; the probe is seeded (0)
        assert set(seen) == {(False, True), (True, False)}
        assert (cudnn.deterministic, cudnn.benchmark) == (False, True)
    finally:
        cudnn.deterministic, cudnn.benchmark = saved
