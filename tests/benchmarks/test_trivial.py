"""The best constant output: the floor a stalled run may sink to (benchmarks/trivial.py)."""

from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from benchmarks import evaluate, grid, trivial
from lrtune.task import make_task


def _bench(model: nn.Module, x: torch.Tensor, y: torch.Tensor, criterion) -> SimpleNamespace:
    loader = DataLoader(TensorDataset(x, y), batch_size=32, shuffle=True)
    task = make_task(model=model, train_loader=loader, val_loader=loader, criterion=criterion)
    return SimpleNamespace(name="toy", task=task, hash="h1")


def test_a_regression_s_constant_is_the_targets_mean():
    """MSE against targets of mean 5 and variance 1: the best constant scores the variance,
    far below the untrained model's loss (about 26)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(512, 4, generator=g)
    y = 5 + torch.randn(512, 1, generator=g)
    value = trivial.constant_loss(_bench(nn.Linear(4, 1), x, y, nn.MSELoss()))
    assert value == pytest.approx(float(y.var(unbiased=False)), rel=0.02)


def test_a_classifier_s_constant_is_the_class_frequencies():
    """Cross-entropy over classes drawn 70/20/10: the best constant scores their entropy."""
    g = torch.Generator().manual_seed(0)
    y = torch.multinomial(torch.tensor([0.7, 0.2, 0.1]), 900, replacement=True, generator=g)
    x = torch.randn(900, 5, generator=g)
    p = torch.bincount(y, minlength=3).double() / len(y)
    entropy = float(-(p * p.log()).sum())
    value = trivial.constant_loss(_bench(nn.Linear(5, 3), x, y, nn.CrossEntropyLoss()))
    assert value == pytest.approx(entropy, rel=0.01)


class _Pair(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.head = nn.Linear(3, 1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.head(x), x


def test_a_model_without_one_output_tensor_has_no_constant():
    x, y = torch.randn(64, 3), torch.randn(64, 1)
    bench = _bench(_Pair(), x, y, lambda out, target: ((out[0] - target) ** 2).mean())
    assert trivial.constant_loss(bench) is None


class _Similarities(nn.Module):
    """A contrastive head: the batch's (batch, batch) similarity matrix."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Linear(3, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.embed(x)
        return z @ z.T


def test_an_output_whose_shape_follows_the_batch_has_no_constant():
    """InfoNCE scores each row against its own column: a constant fitted on training batches
    of 32 has 32 columns, too few for a validation batch of 48 (infonce_digits_sgd)."""
    x = torch.randn(96, 3)
    train = DataLoader(TensorDataset(x, torch.zeros(96)), batch_size=32)
    val = DataLoader(TensorDataset(x[:48], torch.zeros(48)), batch_size=48)

    def info_nce(logits: torch.Tensor, _target: torch.Tensor) -> torch.Tensor:
        return nn.functional.cross_entropy(logits, torch.arange(len(logits)))

    task = make_task(model=_Similarities(), train_loader=train, val_loader=val, criterion=info_nce)
    assert trivial.constant_loss(SimpleNamespace(name="toy", task=task, hash="h1")) is None


def test_the_task_s_model_and_the_rngs_are_left_alone():
    from lrtune.state import snapshot_model

    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Linear(8, 1)).train()
    before = snapshot_model(model)
    bench = _bench(model, torch.randn(128, 4), torch.randn(128, 1), nn.MSELoss())
    torch.manual_seed(123)
    state = torch.get_rng_state()
    first = trivial.constant_loss(bench)
    assert torch.equal(torch.get_rng_state(), state) and model.training
    after = snapshot_model(model)
    assert all(torch.equal(before.tensors[k], after.tensors[k]) for k in before.tensors)
    assert trivial.constant_loss(bench) == first  # the same batches every time


def test_trivial_loss_is_cached_by_the_model_file_s_hash(tmp_path: Path, monkeypatch):
    calls = []
    monkeypatch.setattr(trivial, "constant_loss", lambda bench: calls.append(1) or 0.25)
    bench = SimpleNamespace(name="toy", hash="h1")
    path = tmp_path / "trivial.json"
    assert trivial.trivial_loss(bench, path) == 0.25
    assert trivial.trivial_loss(bench, path) == 0.25 and len(calls) == 1  # read back
    bench.hash = "h2"  # model.py changed: fitted again
    assert trivial.trivial_loss(bench, path) == 0.25 and len(calls) == 2
    monkeypatch.setattr(trivial, "constant_loss", lambda bench: None)
    bench.hash = "h3"
    assert math.isnan(trivial.trivial_loss(bench, path))


def test_a_run_that_only_learnt_a_constant_counts_as_stalled():
    """sparsecode_lista_adamw's figures: untrained 0.079, all-zero code 0.060, reference
    0.0228. Runs at the constant's loss stalled; without a constant, the old test holds."""
    cells = (grid.Cell("cosine", 0.01, (0.0228,)),)
    report = evaluate.TaskReport(None, cells, (), initial=0.079, trivial=0.060)  # type: ignore[arg-type]
    assert report.baseline == 0.060
    assert report.stalled(0.060) and report.stalled(0.057)
    assert not report.stalled(0.050) and not report.stalled(math.inf)
    untrained_only = evaluate.TaskReport(None, cells, (), initial=0.079)  # type: ignore[arg-type]
    assert not untrained_only.stalled(0.060) and untrained_only.stalled(0.078)
    # a constant worse than the untrained model leaves the untrained loss as the baseline
    worse = evaluate.TaskReport(None, cells, (), initial=0.079, trivial=0.2)  # type: ignore[arg-type]
    assert worse.baseline == 0.079
