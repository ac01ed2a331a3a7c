"""model.py loading: every contract violation is one clear line naming the fix."""

from __future__ import annotations

import pytest
import torch

from lrtune.errors import EmptyLoaderError, ModelFileError, TaskContractError
from lrtune.model_file import load_task

GOOD = """
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
x = torch.randn(40, 4); y = torch.randint(0, 3, (40,))
def model():
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Linear(8, 3))
train_loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=True)
criterion = nn.CrossEntropyLoss
def optimizer(params, lr):
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
epochs = 3
"""


def test_load_task_resolves_factories_and_objects(write_model):
    task = load_task(write_model(GOOD))
    assert isinstance(task.model, torch.nn.Sequential)
    assert (task.steps_per_epoch, task.n_samples, task.batch_size, task.epochs) == (5, 40, 8, 3)
    assert isinstance(task.make_optimizer(task.model.parameters(), 0.1), torch.optim.SGD)


def test_load_task_check_leaves_weights_grads_batchnorm_and_rng_untouched(write_model):
    task = load_task(write_model(GOOD), check=False)
    rng = torch.get_rng_state()
    stats = task.model[1].running_mean.clone()
    from lrtune.model_file import check_task

    weights = {k: v.clone() for k, v in task.model.state_dict().items()}
    check_task(task)  # it takes one optimizer step
    assert torch.equal(task.model[1].running_mean, stats)
    assert torch.equal(torch.get_rng_state(), rng)
    assert all(torch.equal(v, weights[k]) for k, v in task.model.state_dict().items())
    assert all(p.grad is None for p in task.model.parameters())


def test_load_task_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match=r"no such file"):
        load_task(tmp_path / "nope.py")


def test_load_task_syntax_error_names_file_and_line(write_model):
    path = write_model("import torch\n\nmodel = (\n")
    with pytest.raises(ModelFileError, match=rf"{path}:\d+: syntax error"):
        load_task(path)


def test_load_task_import_error_names_file_and_line(write_model):
    path = write_model("import torch\nimport not_a_module_xyz\n")
    with pytest.raises(ModelFileError, match=rf"{path}:2: ModuleNotFoundError"):
        load_task(path)


def test_load_task_missing_names_lists_expected_and_found(write_model):
    path = write_model("import torch\nnet = torch.nn.Linear(2, 2)\n")
    with pytest.raises(TaskContractError) as info:
        load_task(path)
    message = str(info.value)
    assert "missing model, train_loader, loss_fn or criterion" in message
    assert "found: net, torch" in message
    assert "\n" not in message


def test_load_task_model_of_wrong_type(write_model):
    path = write_model(GOOD.replace("def model():", "def _m():") + "\nmodel = 3\n")
    with pytest.raises(TaskContractError, match="model must be an nn.Module.*got int"):
        load_task(path)


def test_load_task_empty_loader(write_model):
    path = write_model(
        GOOD + "train_loader = DataLoader(TensorDataset(x[:0], y[:0]), batch_size=8)\n"
    )
    with pytest.raises(EmptyLoaderError, match="train_loader yielded no batch"):
        load_task(path)


def test_load_task_loss_not_scalar(write_model):
    source = GOOD.replace(
        "criterion = nn.CrossEntropyLoss",
        "criterion = lambda: nn.CrossEntropyLoss(reduction='none')",
    )
    with pytest.raises(TaskContractError, match=r"scalar tensor, got a tensor of shape \(8,\)"):
        load_task(write_model(source))


def test_load_task_loss_without_grad(write_model):
    source = GOOD.replace(
        "criterion = nn.CrossEntropyLoss",
        "def loss_fn(model, batch):\n    return torch.tensor(1.0)",
    )
    with pytest.raises(TaskContractError, match="does not require grad"):
        load_task(write_model(source))


def test_load_task_batch_format_the_loss_cannot_use(write_model):
    source = GOOD.replace("TensorDataset(x, y)", "[{'x': a, 'y': b} for a, b in zip(x, y)]")
    with pytest.raises(
        TaskContractError, match=r"criterion needs \(inputs, targets\) batches, got dict"
    ):
        load_task(write_model(source))


def test_load_task_loss_fn_raising_names_the_batch(write_model):
    source = GOOD.replace(
        "criterion = nn.CrossEntropyLoss",
        "def loss_fn(model, batch):\n    return model(batch['x']).sum()",
    )
    with pytest.raises(TaskContractError, match=r"the loss failed on a batch of list\(Tensor"):
        load_task(write_model(source))


def test_load_task_script_that_exits_is_one_line_and_argv_is_restored(write_model, monkeypatch):
    monkeypatch.setattr("sys.argv", ["lrtune", "find", "model.py", "--num-iter", "20"])
    source = GOOD + "import argparse, sys\nargs = argparse.ArgumentParser().parse_args()\n"
    path = write_model(source + "assert sys.argv == [__file__]\nsys.exit(4)\n")
    with pytest.raises(ModelFileError, match=rf"{path}:\d+: the file exited with status 4 "):
        load_task(path)
    import sys

    assert sys.argv == ["lrtune", "find", "model.py", "--num-iter", "20"]


def test_load_task_model_without_parameters(write_model):
    path = write_model(
        GOOD.replace("def model():", "def model():\n    return nn.ReLU()\ndef _m():")
    )
    with pytest.raises(TaskContractError, match="the model has no trainable parameters"):
        load_task(path)
