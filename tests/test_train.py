"""Tests for lrtune.train: the shared training loop."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.optim.lr_scheduler import LambdaLR, ReduceLROnPlateau, StepLR

from lrtune.task import make_task
from lrtune.train import evaluate, train


def _task(epochs: int = 5, n: int = 64, batch: int = 16):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(n, 3, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]])
    data = torch.utils.data.TensorDataset(x, y)
    loader = torch.utils.data.DataLoader(data, batch_size=batch, shuffle=True)
    return make_task(
        model=nn.Linear(3, 1),
        train_loader=loader,
        val_loader=torch.utils.data.DataLoader(data, batch_size=40),
        criterion=nn.MSELoss(),
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr),
        epochs=epochs,
    )


def _constant(opt):
    return LambdaLR(opt, lambda _: 1.0)


def test_train_converges_and_counts_steps():
    result = train(_task(epochs=20), lr=0.1, make_scheduler=_constant, seed=0)
    assert result.steps == 20 * 4
    assert len(result.history) == 20
    assert result.val_loss < 1e-3
    assert not result.diverged


def test_train_leaves_model_and_rng_unchanged():
    task = _task()
    before = {k: v.clone() for k, v in task.model.state_dict().items()}
    rng = torch.get_rng_state()
    train(task, lr=0.1, make_scheduler=_constant, seed=3)
    assert all(torch.equal(v, task.model.state_dict()[k]) for k, v in before.items())
    assert torch.equal(rng, torch.get_rng_state())


def test_train_same_seed_same_result_and_factory_follows_seed():
    task = _task()
    kw = {"lr": 0.05, "make_scheduler": _constant, "model_factory": lambda: nn.Linear(3, 1)}
    a = train(task, seed=1, **kw)
    b = train(task, seed=1, **kw)
    c = train(task, seed=2, **kw)
    assert a.val_loss == b.val_loss
    assert a.val_loss != c.val_loss


def test_train_epoch_basis_steps_scheduler_once_per_epoch():
    result = train(
        _task(epochs=3),
        lr=1.0,
        make_scheduler=lambda o: StepLR(o, step_size=1, gamma=0.1),
        steps_per="epoch",
        seed=0,
    )
    # history records the LR used during each epoch's last batch
    assert [round(h.lr, 6) for h in result.history] == [1.0, 0.1, 0.01]


def test_train_iteration_basis_steps_scheduler_per_batch():
    result = train(
        _task(epochs=2),
        lr=1.0,
        make_scheduler=lambda o: LambdaLR(o, lambda s: 0.5**s),
        seed=0,
    )
    assert result.history[-1].lr == pytest.approx(0.5**8)


def test_train_plateau_scheduler_gets_val_loss():
    result = train(
        _task(epochs=4),
        lr=1e-6,
        make_scheduler=lambda o: ReduceLROnPlateau(o, patience=0, threshold=0.5),
        seed=0,
    )
    assert result.history[-1].lr < 1e-6


def test_train_nonfinite_loss_gives_inf():
    result = train(_task(epochs=50), lr=1e4, make_scheduler=_constant, seed=0)
    assert result.diverged
    assert math.isinf(result.val_loss)


def test_train_report_each_epoch_and_propagates():
    seen = []
    train(
        _task(epochs=3),
        lr=0.1,
        make_scheduler=_constant,
        seed=0,
        report=lambda e, v: seen.append(e),
    )
    assert seen == [0, 1, 2]

    class Prune(Exception):
        pass

    def report(epoch: int, val: float) -> None:
        raise Prune

    with pytest.raises(Prune):
        train(_task(), lr=0.1, make_scheduler=_constant, seed=0, report=report)


def test_train_max_steps_stops_mid_epoch():
    result = train(_task(epochs=5), lr=0.1, make_scheduler=_constant, seed=0, max_steps=6)
    assert result.steps == 6
    assert len(result.history) == 2


def test_train_setup_builds_optimizer_and_scheduler():
    def setup(model):
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        return opt, _constant(opt)

    result = train(_task(epochs=20), setup=setup, seed=0)
    assert result.val_loss < 1e-3


def test_train_rejects_inconsistent_arguments():
    with pytest.raises(ValueError, match="lr and make_scheduler"):
        train(_task(), lr=0.1, seed=0)
    with pytest.raises(ValueError, match="steps_per"):
        train(_task(), lr=0.1, make_scheduler=_constant, steps_per="batch", seed=0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="epochs"):
        train(_task(), lr=0.1, make_scheduler=_constant, epochs=0, seed=0)


def test_evaluate_weights_by_batch_size():
    x = torch.arange(5.0).unsqueeze(1)
    batches = [(x[:4], torch.zeros(4, 1)), (x[4:], torch.zeros(1, 1))]
    task = make_task(
        model=nn.Identity(), train_loader=batches, val_loader=batches, criterion=nn.MSELoss()
    )
    assert evaluate(task, task.model) == pytest.approx(float((x**2).mean()))


def test_eval_every_traces_between_epochs_and_evaluates_each_step_once():
    task = _task(epochs=3)  # 4 steps per epoch
    passes = []
    val_data = task.val_loader

    class Counting:
        def __iter__(self):
            passes.append(1)
            return iter(val_data)

    task = make_task(
        model=task.model,
        train_loader=task.train_loader,
        val_loader=Counting(),
        loss_fn=task.loss_fn,
        optimizer=task.make_optimizer,
        epochs=3,
    )
    plain = train(task, lr=0.05, make_scheduler=_constant, seed=0)
    passes.clear()
    traced = train(task, lr=0.05, make_scheduler=_constant, seed=0, eval_every=2)
    assert [r.step for r in traced.trace] == [2, 4, 6, 8, 10, 12]
    assert [r.epoch for r in traced.trace] == [0, 0, 1, 1, 2, 2]
    # 3 mid-epoch trace points + 3 epoch ends; a trace point at an epoch's end shares its pass
    assert len(passes) == 6
    assert [h.val_loss for h in traced.history] == [r.val_loss for r in traced.trace[1::2]]
    # tracing changes no training: the validation passes leave the shuffle's RNG alone
    assert traced.val_loss == plain.val_loss
    assert [h.train_loss for h in traced.history] == [h.train_loss for h in plain.history]
    assert plain.trace == ()
