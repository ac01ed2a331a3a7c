"""Every case of docs/troubleshooting.md: the exact message, the exit status, what is kept.

Each case runs the command line in this process (``lrtune.cli.main``), in a folder holding
the case's ``model.py``, so that messages name ``model.py`` exactly as the docs show them.
``tests/test_docs.py`` checks that the docs quote these messages word for word.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from lrtune.cli import main

HEAD = """import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

x = torch.randn(64, 4)
y = torch.randint(0, 3, (64,))
"""
MODEL = "model = nn.Linear(4, 3)\n"
LOADER = "train_loader = DataLoader(TensorDataset(x, y), batch_size=16)\n"
CRITERION = "criterion = nn.CrossEntropyLoss()\n"
GOOD = HEAD + MODEL + LOADER + CRITERION

#: A loss that counts its calls: call 1 is the contract check, call k + 2 is step k.
COUNTING = (
    HEAD
    + MODEL
    + LOADER
    + """import os
calls = 0


def loss_fn(model, batch):
    global calls
    calls += 1
    if calls == int(os.environ.get("LRTUNE_TEST_STOP", -9)) + 2:
        raise KeyboardInterrupt  # Ctrl-C after LRTUNE_TEST_STOP steps
    loss = nn.functional.cross_entropy(model(batch[0]), batch[1])
    nan_at = int(os.environ.get("LRTUNE_TEST_NAN", 0))
    return loss * float("nan") if nan_at and calls >= nan_at + 2 else loss
"""
)
FAST = ("--device", "cpu", "--repeats", "1", "--out", "report")


@dataclass(frozen=True)
class Case:
    """A model.py (``None``: no file), the ``lrtune`` arguments, the last stderr line."""

    source: str | None
    args: tuple[str, ...]
    message: str
    status: int = 1
    env: tuple[tuple[str, str], ...] = ()


def _find(*extra: str) -> tuple[str, ...]:
    return ("find", "model.py", *FAST, *extra)


CONTRACT = {
    "file-missing": Case(
        None,
        _find(),
        "error: model.py: no such file; pass the path of a model.py that defines model and "
        "train_loader (see docs/model-py.md).",
    ),
    "syntax-error": Case(
        "import torch\nmodel = torch.nn.Linear(2\n",
        _find(),
        "error: model.py:2: syntax error: '(' was never closed; fix the file and run again.",
    ),
    "import-error": Case(
        "import torch\nimport torchvisionx\n",
        _find(),
        "error: model.py:2: ModuleNotFoundError while importing: No module named "
        "'torchvisionx'; fix model.py (run `python model.py` to see the full traceback).",
    ),
    "exits-0": Case(
        GOOD + "import sys\nsys.exit(0)\n",
        _find(),
        "error: model.py:11: the file exited with status 0 while lrtune imported it; put its "
        "script part (argument parsing, training, sys.exit) under "
        '`if __name__ == "__main__":` so that importing it only defines the names.',
    ),
    "exits-3": Case(
        GOOD + "raise SystemExit(3)\n",
        _find(),
        "error: model.py:10: the file exited with status 3 while lrtune imported it; put its "
        "script part (argument parsing, training, sys.exit) under "
        '`if __name__ == "__main__":` so that importing it only defines the names.',
    ),
    "argparse": Case(
        GOOD + "import argparse\nparser = argparse.ArgumentParser()\n"
        "parser.add_argument('--data', required=True)\nargs = parser.parse_args()\n",
        _find(),
        "error: model.py:13: the file exited with status 2 while lrtune imported it; put its "
        "script part (argument parsing, training, sys.exit) under "
        '`if __name__ == "__main__":` so that importing it only defines the names.',
    ),
    "names-missing": Case(
        HEAD + MODEL,
        _find(),
        "error: model.py: missing train_loader, loss_fn or criterion; expected model, "
        "train_loader and loss_fn (or criterion), found: DataLoader, TensorDataset, model, nn, "
        "torch, x, y.",
    ),
    "model-not-module": Case(
        HEAD + "model = 'resnet18'\n" + LOADER + CRITERION,
        _find(),
        "error: model.py: model must be an nn.Module (or a function returning one), got str.",
    ),
    "model-factory-args": Case(
        HEAD + "def model(width):\n    return nn.Linear(4, width)\n" + LOADER + CRITERION,
        _find(),
        "error: model.py: model must be an nn.Module (or a function returning one), got function.",
    ),
    "factory-raises": Case(
        HEAD + "def model():\n    return torchvision.models.resnet18()\n" + LOADER + CRITERION,
        _find(),
        "error: model.py: calling model() failed: NameError: name 'torchvision' is not "
        "defined; a factory must build its object with no arguments.",
    ),
    "no-parameters": Case(
        HEAD + "model = nn.Sequential(nn.Flatten())\n" + LOADER + CRITERION,
        _find(),
        "error: model.py: the model has no trainable parameters (model.parameters() is empty "
        "or none requires grad); give model the layers you train, with requires_grad=True.",
    ),
    "loader-not-iterable": Case(
        HEAD + MODEL + "train_loader = 64\n" + CRITERION,
        _find(),
        "error: model.py: train_loader must be iterable (e.g. a DataLoader), got int.",
    ),
    "val-loader-not-iterable": Case(
        GOOD + "val_loader = 3\n",
        _find(),
        "error: model.py: val_loader must be iterable (e.g. a DataLoader), got int.",
    ),
    "loader-empty": Case(
        HEAD + MODEL + "train_loader = DataLoader(TensorDataset(x, y), batch_size=128, "
        "drop_last=True)\n" + CRITERION,
        _find(),
        "error: model.py: train_loader yielded no batch: check the dataset is not empty and "
        "that batch_size <= the number of samples when drop_last=True.",
    ),
    "val-loader-empty": Case(
        GOOD + "val_loader = []\n",
        _find(),
        "error: model.py: val_loader yielded no batch: give it data or remove it.",
    ),
    "loss-fn-not-callable": Case(
        HEAD + MODEL + LOADER + "loss_fn = 3\n",
        _find(),
        "error: model.py: loss_fn must be callable as loss_fn(model, batch), got int.",
    ),
    "criterion-not-callable": Case(
        HEAD + MODEL + LOADER + "criterion = 'cross_entropy'\n",
        _find(),
        "error: model.py: criterion must be callable as criterion(output, target), got str.",
    ),
    "loss-not-scalar": Case(
        HEAD + MODEL + LOADER + "criterion = nn.CrossEntropyLoss(reduction='none')\n",
        _find(),
        "error: model.py: the loss must be a scalar tensor, got a tensor of shape (16,); "
        "reduce it, e.g. with .mean().",
    ),
    "loss-without-grad": Case(
        HEAD + MODEL + LOADER + "def loss_fn(model, batch):\n    return torch.tensor(1.0)\n",
        _find(),
        "error: model.py: the loss does not require grad: compute it from the model's output "
        "without .item(), .detach() or torch.no_grad().",
    ),
    "criterion-dict-batches": Case(
        HEAD
        + MODEL
        + "train_loader = DataLoader([{'x': a, 'y': b} for a, b in zip(x, y)], batch_size=16)\n"
        + CRITERION,
        _find(),
        "error: model.py: criterion needs (inputs, targets) batches, got dict(x=Tensor(16, 4), "
        "y=Tensor(16,)): define loss_fn(model, batch) in model.py for other batch formats.",
    ),
    "loss-fn-raises": Case(
        HEAD
        + MODEL
        + LOADER
        + "def loss_fn(model, batch):\n"
        + "    return nn.functional.cross_entropy(model(batch[0].T), batch[1])\n",
        _find(),
        "error: model.py: the loss failed on a batch of list(Tensor(16, 4), Tensor(16,)): "
        "RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x16 and 4x3); make "
        "loss_fn(model, batch) accept what train_loader yields.",
    ),
    "optimizer-raises": Case(
        GOOD + "def optimizer(params, lr):\n"
        "    return torch.optim.SGD(params, lr=lr, nesterov=True)\n",
        _find(),
        "error: model.py: optimizer(params, lr) failed: ValueError: Nesterov momentum requires "
        "a momentum and zero dampening; it must accept (params, lr) and return a "
        "torch.optim.Optimizer.",
    ),
    "optimizer-not-callable": Case(
        GOOD + "optimizer = 'sgd'\n",
        _find(),
        "error: model.py: optimizer must be a function optimizer(params, lr) -> Optimizer, "
        "got str.",
    ),
    "optimizer-returns-other": Case(
        GOOD + "def optimizer(params, lr):\n    return 'sgd'\n",
        _find(),
        "error: model.py: optimizer(params, lr) must return a torch.optim.Optimizer, got str.",
    ),
    "optimizer-needs-closure": Case(
        GOOD + "def optimizer(params, lr):\n    return torch.optim.LBFGS(params, lr=lr)\n",
        _find(),
        "error: model.py: LBFGS.step() needs a closure that re-evaluates the loss, and lrtune "
        "steps the optimizer once per batch without one; use a first-order optimizer (SGD, "
        "Adam, ...).",
    ),
    "optimizer-cannot-step": Case(
        GOOD + "def optimizer(params, lr):\n    return torch.optim.SparseAdam(params, lr=lr)\n",
        _find(),
        "error: model.py: one step of SparseAdam failed: RuntimeError: SparseAdam does not "
        "support dense gradients, please consider Adam instead; optimizer(params, lr) must "
        "return an optimizer that can step on the model's gradients.",
    ),
    "optimizer-schedule-free": Case(
        GOOD + "class AdamWScheduleFree(torch.optim.AdamW):  # named as schedulefree's\n"
        "    pass\n\n"
        "def optimizer(params, lr):\n    return AdamWScheduleFree(params, lr=lr)\n",
        _find(),
        "error: model.py: AdamWScheduleFree is schedule-free: it replaces the LR schedule "
        "lrtune would propose (give it a constant LR and its own warmup); use the optimizer it "
        "wraps (AdamW, SGD) to have lrtune pick the LR and schedule.",
    ),
    "bad-epochs": Case(
        GOOD + "epochs = 0\n",
        _find(),
        "error: model.py: epochs must be a positive int, got 0.",
    ),
    "bad-max-steps": Case(
        GOOD + "max_steps = 0\n",
        _find(),
        "error: model.py: max_steps must be a positive int, got 0.",
    ),
}

RANGE_TEST = {
    "nan-at-start": Case(
        COUNTING,
        _find("--num-iter", "20"),
        "error: the loss is nan at the first step (lr=1e-07): check the data for NaN/inf and "
        "that the loss is finite at initialisation.",
        env=(("LRTUNE_TEST_NAN", "-1"),),
    ),
    "nan-early": Case(
        COUNTING,
        _find("--num-iter", "20"),
        "error: the loss blew up after 4 steps (non-finite at lr=4.83e-06), before the 8 "
        "points the analysis needs: the sweep reaches unstable rates too fast; lower "
        "--end-lr (e.g. --end-lr 4.8e-05) or raise --num-iter for a finer sweep.",
        env=(("LRTUNE_TEST_NAN", "4"),),
    ),
    "interrupted-early": Case(
        COUNTING,
        _find("--num-iter", "20"),
        "error: the range test was interrupted after 5 steps (lr=4.83e-06), before the 8 points "
        "the analysis needs: no suggestion; run it again and let it finish.",
        status=130,
        env=(("LRTUNE_TEST_STOP", "5"),),
    ),
    "interrupted": Case(
        COUNTING,
        _find("--num-iter", "20"),
        "interrupted: the range test stopped at step 10 of 20 (lr=0.000616); the curve "
        "measured so far is kept in report/result.json, marked as partial (confidence low), "
        "and nothing was checked or searched; run `lrtune find` again and let it finish for "
        "a suggestion to rely on.",
        status=130,
        env=(("LRTUNE_TEST_STOP", "10"),),
    ),
    "num-iter-too-small": Case(
        None,
        _find("--num-iter", "5"),
        "error: num_iter: expected >= 8 (the curve analysis reads at least 8 points), got 5; "
        "raise --num-iter (default 100).",
    ),
}

CASES = {**CONTRACT, **RANGE_TEST}


def run_case(case: Case, folder: Path, monkeypatch, capsys) -> tuple[int, str, str]:
    """Run ``lrtune *case.args`` in ``folder``; ``(status, stdout, last stderr line)``."""
    monkeypatch.chdir(folder)
    for key, value in case.env:
        monkeypatch.setenv(key, value)
    if case.source is not None:
        (folder / "model.py").write_text(case.source)
    monkeypatch.setattr(sys, "argv", ["lrtune", *case.args])
    status = 0
    try:
        main()
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if line.strip()]
    return status, out, lines[-1] if lines else ""


@pytest.mark.parametrize("name", list(CONTRACT))
def test_troubleshooting_model_py_contract(name, tmp_path, monkeypatch, capsys):
    case = CONTRACT[name]
    status, _, last = run_case(case, tmp_path, monkeypatch, capsys)
    assert (status, last) == (case.status, case.message)
    assert not (tmp_path / "report").exists()  # nothing trained, nothing written


@pytest.mark.parametrize("name", ["nan-at-start", "nan-early", "interrupted-early"])
def test_troubleshooting_range_test_unreadable(name, tmp_path, monkeypatch, capsys):
    case = RANGE_TEST[name]
    status, _, last = run_case(case, tmp_path, monkeypatch, capsys)
    assert (status, last) == (case.status, case.message)
    assert not (tmp_path / "report").exists()


def test_troubleshooting_num_iter_refused_before_training(tmp_path, monkeypatch, capsys):
    case = RANGE_TEST["num-iter-too-small"]  # no model.py: the options fail first
    status, _, last = run_case(case, tmp_path, monkeypatch, capsys)
    assert (status, last) == (case.status, case.message)


def test_troubleshooting_interrupted_keeps_partial_curve(tmp_path, monkeypatch, capsys):
    case = RANGE_TEST["interrupted"]
    status, out, last = run_case(case, tmp_path, monkeypatch, capsys)
    assert (status, last) == (case.status, case.message)
    assert "INTERRUPTED at step 10 of 20: partial curve" in out
    assert "raise --end-lr" not in out  # the sweep was cut, not too narrow
    data = json.loads((tmp_path / "report" / "result.json").read_text())
    assert data["range_test"][0]["stop_reason"] == "interrupted"
    assert len(data["range_test"][0]["losses"]) == 10
    assert data["analysis"]["confidence"] == "low"
    assert any("interrupted at lr=0.000616" in n for n in data["analysis"]["notes"])
    assert data["recommendation"]["check"] is None and data["recommendation"]["search"] is None
    assert (tmp_path / "report" / "curve.png").stat().st_size > 10_000
