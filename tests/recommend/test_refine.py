"""Tests for lrtune.recommend.refine: the budgeted Optuna search, its storage and resume."""

from __future__ import annotations

import dataclasses
import importlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import optuna
import pytest
import torch
from torch import nn

from lrtune.analysis.curve import CurveAnalysis
from lrtune.analysis.dataset import DatasetStats
from lrtune.errors import ConfigError, Interrupted
from lrtune.recommend._recommendation import Reason, Recommendation
from lrtune.recommend.refine import TuneConfig, open_storage, refine, trial_schedule
from lrtune.schedules import make_schedule
from lrtune.task import make_task

HERE = Path(__file__).resolve().parent
refine_module = importlib.import_module("lrtune.recommend.refine")  # the name is also a function
trials_module = importlib.import_module("lrtune.recommend.refine._trials")


def _task(*, val: bool = True, epochs: int = 4):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 3, generator=g)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1 * torch.randn(64, 1, generator=g)
    data = torch.utils.data.TensorDataset(x, y)
    torch.manual_seed(0)
    return make_task(
        model=nn.Linear(3, 1),
        train_loader=torch.utils.data.DataLoader(data, batch_size=16, shuffle=True),
        val_loader=torch.utils.data.DataLoader(data, batch_size=64) if val else None,
        criterion=nn.MSELoss(),
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
        epochs=epochs,
    )


def _analysis(suggested: float = 0.05, diverge: float | None = 0.5) -> CurveAnalysis:
    return CurveAnalysis(
        lrs=(),
        losses=(),
        smoothed=(),
        steepest_lr=suggested,
        valley_lr=suggested,
        min_loss_lr=suggested * 4,
        diverge_lr=diverge,
        diverge_method="growth-rate" if diverge else "none",
        suggested_lr=suggested,
        lr_range=(suggested / 4, suggested * 4),
        confidence="high",
    )


def _stats(epochs: int = 4) -> DatasetStats:
    return DatasetStats(
        n_samples=64, batch_size=16, steps_per_epoch=4, epochs=epochs, total_steps=4 * epochs
    )


def _proposal(basis: str = "epoch", epochs: int = 4) -> Recommendation:
    total = epochs if basis == "epoch" else 4 * epochs
    spec = make_schedule("cosine", lr=0.05, total=total, warmup=1, eta_min_ratio=0.01, basis=basis)
    return Recommendation(
        spec,
        reasons=(Reason("range-test", "steepest descent", "Smith arXiv 1506.01186"),),
        candidates=("cosine", "onecycle", "linear", "wsd"),
        steps_per_epoch=4,
        epochs=epochs,
    )


def _run_refine(storage: str | None, n_trials: int, kill_after: int | None = None, **kw):
    """The search the resume tests repeat; SIGKILLs its own process after ``kill_after``."""

    def progress(done: int, total: int, best: float | None) -> None:
        if kill_after is not None and done >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    kw.setdefault("budget", 5.5)  # 88 steps: 5 trials get 4 each, the race's 4 runs 16
    config = TuneConfig(n_trials=n_trials, storage=storage, pruner="none", **kw)
    return refine(
        _task(), _proposal(), analysis=_analysis(), stats=_stats(), config=config, progress=progress
    )


def _race_steps(search) -> int:
    """Steps of the confirmation race (0 when the proposal scored best)."""
    return search.confirmation["steps"] if search.confirmation else 0


def _trials(storage: str, name: str = "lrtune") -> list[tuple[int, dict, float | None, str]]:
    study = optuna.load_study(study_name=name, storage=open_storage(storage))
    return [(t.number, t.params, t.value, t.state.name) for t in study.get_trials()]


def test_refine_proposal_is_trial_zero():
    config = TuneConfig(n_trials=3, budget=5.0)
    rec = refine(_task(), _proposal(), analysis=_analysis(), stats=_stats(), config=config)
    first = rec.search.trials[0]
    assert first["number"] == 0 and first["state"] == "complete"
    assert first["params"] == {
        "lr": 0.05,
        "scheduler": "cosine",
        "eta_min_ratio": 0.01,
        "warmup_fraction": 0.25,
    }
    assert rec.search.n_trials == 3
    rules = [r.rule for r in rec.reasons]
    assert rules == ["range-test", "optuna-refine"]
    assert rec.candidates == _proposal().candidates


def test_refine_cost_adds_up():
    rec = refine(
        _task(epochs=8),
        _proposal(epochs=8),
        analysis=_analysis(),
        stats=_stats(epochs=8),
        config=TuneConfig(n_trials=4, budget=2.5, seeds=2, pruner="none"),
    )
    search = rec.search
    # 32 planned steps, 80 to spend; a trial's run trains at least one epoch (4 steps) here,
    # and the race's 2 × 2 runs 4× that: 4 trials × 2 seeds and the race would need 96,
    # so 2 trials run, 4 steps per run.
    assert search.n_trials == 2
    assert all(t["steps"] == 8 for t in search.trials)
    race = _race_steps(search)
    assert race in (0, 2 * 2 * 16)
    assert search.cost_steps == sum(t["steps"] for t in search.trials) + race <= 80
    assert search.cost_fraction == pytest.approx(search.cost_steps / 32)
    assert search.best_value == min(t["value"] for t in search.trials)
    assert "ran 2 of 4 trials: the budget 2.5× fits no more runs of at least 4 updates" in (
        rec.reasons[-1].text
    )
    assert "--budget 3 would fit all 4" in rec.reasons[-1].text


def test_refine_trials_share_what_the_horizon_check_left():
    rec = refine(
        _task(epochs=20),
        _proposal(epochs=20),
        analysis=_analysis(),
        stats=_stats(epochs=20),
        config=TuneConfig(n_trials=3, budget=1.5, pruner="none"),
        spent=32,
    )
    search = rec.search
    # 120 steps to spend on an 80-step run, 32 spent by the check: 3 trials and 4 race runs
    # of 4× their length share 88
    assert [t["steps"] for t in search.trials] == [4, 4, 4]
    race = _race_steps(search)
    assert race in (0, 4 * 16)
    assert search.cost_steps == 12 + race + 32 <= 120
    assert "with the horizon check" in rec.reasons[-1].text


def test_refine_pruned_trials_cost_counts_steps_run():
    rec = refine(
        _task(epochs=8),
        _proposal(epochs=8),
        analysis=_analysis(),
        stats=_stats(epochs=8),
        config=TuneConfig(n_trials=8, budget=6.0, pruner="median"),
    )
    search = rec.search
    race = _race_steps(search)
    assert search.cost_steps == sum(t["steps"] for t in search.trials) + race
    # 6 × 32 steps shared by 8 trials and 4 race runs of 4× their length: 8 steps each
    assert race in (0, 4 * 32)
    for t in search.trials:
        assert (t["steps"] < 8) if t["state"] == "pruned" else (t["steps"] == 8)
    assert search.n_pruned == sum(t["state"] == "pruned" for t in search.trials)


@pytest.mark.parametrize("basis", ["epoch", "iteration"])
def test_refine_returns_full_length_spec(basis):
    proposal = _proposal(basis)
    rec = refine(
        _task(),
        proposal,
        analysis=_analysis(),
        stats=_stats(),
        config=TuneConfig(n_trials=4, budget=5.0),
    )
    assert rec.basis == basis
    assert rec.schedule.total == proposal.schedule.total  # 4 epochs or 16 iterations
    assert rec.scheduler in proposal.candidates
    best = min((t for t in rec.search.trials if t["value"] is not None), key=lambda t: t["value"])
    confirm = rec.search.confirmation
    if confirm is not None and confirm["kept"] == "proposal":
        assert rec.schedule == proposal.schedule
    else:
        assert rec.initial_lr == best["params"]["lr"]
        assert rec.scheduler == best["params"]["scheduler"]


def test_refine_search_space_follows_range_test():
    rec = refine(
        _task(),
        _proposal(),
        analysis=_analysis(suggested=0.04, diverge=None),
        stats=_stats(),
        config=TuneConfig(n_trials=6, budget=5.5),
    )
    for t in rec.search.trials:
        assert 0.01 <= t["params"]["lr"] <= 0.16
        assert t["params"]["scheduler"] in ("cosine", "onecycle", "linear", "wsd")
        assert 0 <= t["params"].get("eta_min_ratio", 0) <= 0.2
        assert ("warmup_fraction" in t["params"]) == (t["params"]["scheduler"] != "onecycle")


@pytest.mark.parametrize(("optimizer", "high"), [("SGD", 0.25), ("AdamW", 0.5), (None, 0.5)])
def test_refine_searches_sgd_only_up_to_half_its_divergence_lr(optimizer, high):
    stats = dataclasses.replace(_stats(), optimizer=optimizer)
    rec = refine(
        _task(),
        _proposal(),
        analysis=_analysis(suggested=0.05, diverge=0.5),
        stats=stats,
        config=TuneConfig(n_trials=8, budget=6.0),
    )
    lrs = [t["params"]["lr"] for t in rec.search.trials]
    assert max(lrs) <= high and min(lrs) >= 0.05 / 4
    assert max(lrs) > 0.7 * high  # the sampler reaches the top of the range


def test_refine_without_val_loader_and_model_unchanged():
    task = _task(val=False)
    before = {k: v.clone() for k, v in task.model.state_dict().items()}
    rng = torch.get_rng_state()
    calls = []
    rec = refine(
        task,
        _proposal(),
        analysis=_analysis(),
        stats=_stats(),
        config=TuneConfig(n_trials=2, budget=4.5),
        progress=lambda done, total, best: calls.append((done, total, best)),
    )
    assert rec.search.best_value is not None
    assert [c[:2] for c in calls] == [(1, 2), (2, 2)]
    assert calls[-1][2] == rec.search.best_value
    assert all(torch.equal(v, task.model.state_dict()[k]) for k, v in before.items())
    assert torch.equal(rng, torch.get_rng_state())


@pytest.mark.parametrize("fresh_winner", [True, False])
def test_refine_confirms_the_winner_on_fresh_data_orders(monkeypatch, fresh_winner):
    """The best trial replaces the proposal only if it also wins on unseen data orders."""
    runs = []

    def fake_train(task, spec, plan, *, seed, device, report=None):
        runs.append((spec.lr, seed))
        # data order 0 (the trials): the higher the LR, the better; data orders 1 and 2 (the
        # race): the proposal (LR 0.05) is better unless ``fresh_winner``
        better = spec.lr > 0.05 if seed == 0 or fresh_winner else spec.lr == 0.05
        return SimpleNamespace(val_loss=1.0 - 0.5 * better - spec.lr, steps=plan.trial_steps)

    monkeypatch.setattr(trials_module, "_train_short", fake_train)
    rec = refine(
        _task(),
        _proposal(),
        analysis=_analysis(),
        stats=_stats(),
        config=TuneConfig(n_trials=4, budget=5.0, pruner="none"),
    )
    confirm = rec.search.confirmation
    best = min(rec.search.trials, key=lambda t: t["value"])
    lr = best["params"]["lr"]
    assert lr > 0.05 and confirm["trial"] == best["number"]
    assert runs[-4:] == [(0.05, 1), (0.05, 2), (lr, 1), (lr, 2)]  # proposal, then winner
    # the race's runs last 4× the trials' 4 steps
    assert confirm["seeds"] == [1, 2] and confirm["steps"] == 4 * 16
    assert (confirm["trial_steps"], confirm["steps_per_run"]) == (4, 16)
    assert len(confirm["proposal_values"]) == len(confirm["winner_values"]) == 2
    assert rec.search.cost_steps == 4 * 4 + 4 * 16 <= 5.0 * 16
    if fresh_winner:
        assert confirm["kept"] == "winner" and confirm["winner"] < confirm["proposal"]
        assert rec.initial_lr == lr
        assert "confirmed on 2 fresh data orders" in rec.reasons[-1].text
    else:
        assert confirm["kept"] == "proposal" and confirm["winner"] > confirm["proposal"]
        assert rec.schedule == _proposal().schedule
        assert "did not beat the proposal by more than the noise on 2 fresh data orders" in (
            rec.reasons[-1].text
        )


@pytest.mark.parametrize(
    ("factors", "kept"),
    [
        ((0.995, 0.995), "proposal"),  # lower on both orders, but by 0.5% < the 1% margin
        ((0.90, 1.01), "proposal"),  # 4.5% lower in the mean, but higher on one order
        ((0.98, 0.98), "winner"),  # lower on both orders, by 2% in the mean
    ],
)
def test_refine_race_keeps_the_winner_only_when_better_by_more_than_the_noise(
    monkeypatch, factors, kept
):
    def fake_train(task, spec, plan, *, seed, device, report=None):
        if seed == 0:  # the trials: the higher the LR, the better, by at most 0.5%
            return SimpleNamespace(val_loss=1.0 - 0.01 * spec.lr, steps=plan.trial_steps)
        proposal = 1.0 + 0.1 * seed  # the race: paired, each order its own level
        value = proposal if spec.lr == 0.05 else proposal * factors[seed - 1]
        return SimpleNamespace(val_loss=value, steps=plan.trial_steps)

    monkeypatch.setattr(trials_module, "_train_short", fake_train)
    config = TuneConfig(n_trials=4, budget=5.0, pruner="none")
    rec = refine(_task(), _proposal(), analysis=_analysis(), stats=_stats(), config=config)
    confirm = rec.search.confirmation
    assert confirm["seeds"] == [1, 2] and confirm["margin"] == 0.01
    assert confirm["proposal_values"] == pytest.approx([1.1, 1.2])
    assert confirm["winner_values"] == pytest.approx([1.1 * factors[0], 1.2 * factors[1]])
    assert confirm["kept"] == kept
    text = rec.reasons[-1].text
    assert "by more than 1% of the proposal's" in text
    if kept == "proposal":
        assert rec.schedule == _proposal().schedule
        assert "did not beat the proposal by more than the noise" in text
    else:
        assert rec.initial_lr != 0.05 and "confirmed on 2 fresh data orders" in text


@pytest.mark.parametrize(("race_factor", "kept"), [(0.9, "proposal"), (0.5, "winner")])
def test_refine_race_keeps_the_winner_only_when_its_lead_holds_on_longer_runs(
    monkeypatch, race_factor, kept
):
    """A lead that shrinks from the trials to the race's 4× longer runs is the
    short-horizon bias: the proposal is kept even though the winner still scores lower."""

    def fake_train(task, spec, plan, *, seed, device, report=None):
        if seed == 0:  # the trials: the higher the LR, the better, by about 20% at the top
            return SimpleNamespace(val_loss=1.0 - spec.lr, steps=plan.trial_steps)
        value = 1.0 if spec.lr == 0.05 else race_factor  # the race, on 4× the steps
        return SimpleNamespace(val_loss=value, steps=plan.trial_steps)

    monkeypatch.setattr(trials_module, "_train_short", fake_train)
    config = TuneConfig(n_trials=4, budget=5.0, pruner="none")
    rec = refine(_task(), _proposal(), analysis=_analysis(), stats=_stats(), config=config)
    confirm = rec.search.confirmation
    best = min(rec.search.trials, key=lambda t: t["value"])
    trial_gain = (0.95 - best["value"]) / 0.95
    assert 0.1 < trial_gain < 0.5
    assert confirm["trial_gain"] == pytest.approx(trial_gain)
    assert confirm["gain"] == pytest.approx(1 - race_factor)
    assert confirm["steps_per_run"] == 16 and confirm["kept"] == kept
    text = rec.reasons[-1].text
    if kept == "proposal":
        assert rec.schedule == _proposal().schedule
        assert (
            f"led the proposal by {trial_gain:.1%} in the trials but by only 10.0% on 2 fresh "
            "data orders in runs of 16 steps, 4× the trials': a lead that shrinks as runs get "
            "longer is the short-horizon bias"
        ) in text
    else:
        assert rec.initial_lr == best["params"]["lr"]
        assert "by at least its lead in the trials" in text


def test_refine_no_confirmation_when_the_proposal_wins(monkeypatch):
    def fake_train(task, spec, plan, *, seed, device, report=None):
        return SimpleNamespace(val_loss=abs(spec.lr - 0.05), steps=plan.trial_steps)

    monkeypatch.setattr(trials_module, "_train_short", fake_train)
    rec = refine(
        _task(),
        _proposal(),
        analysis=_analysis(),
        stats=_stats(),
        config=TuneConfig(n_trials=3, budget=5.0, pruner="none"),
    )
    assert rec.search.confirmation is None and rec.schedule == _proposal().schedule
    assert rec.search.cost_steps == 3 * 4
    assert "the proposal scored best" in rec.reasons[-1].text


def test_refine_resumes_after_sigkill_with_sqlite(tmp_path):
    storage = f"sqlite:///{tmp_path / 'tune.db'}"
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); import test_refine as t; "
        f"t._run_refine({storage!r}, n_trials=5, kill_after=2)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()[-2000:]
    killed = _trials(storage)
    assert [t[3] for t in killed] == ["COMPLETE", "COMPLETE"]
    rec = _run_refine(storage, n_trials=5)
    resumed = _trials(storage)
    assert [t[3] for t in resumed] == ["COMPLETE"] * 5
    assert resumed[:2] == killed  # finished trials kept, not run again
    assert len({tuple(sorted(t[1].items())) for t in resumed}) == 5  # no repeats
    assert rec.search.n_trials == 5 and rec.search.storage == storage
    race = _race_steps(rec.search)
    assert race in (0, 4 * 16) and rec.search.cost_steps == 5 * 4 + race <= 5.5 * 16
    # A finished study runs nothing more, the confirmation race included.
    again = _run_refine(storage, n_trials=5)
    assert _trials(storage) == resumed and again.schedule == rec.schedule
    assert again.search.confirmation == rec.search.confirmation


def test_refine_journal_storage_shares_one_study(tmp_path):
    storage = str(tmp_path / "tune.jsonl")
    # 96 steps: 2 trials of 5 steps and the race's 4 runs of 20
    first = _run_refine(storage, n_trials=2, budget=6.0)
    assert first.search.n_trials == 2 and first.search.study_name == "lrtune"
    # 3 trials of the study's 5 steps and the race need 95: a budget of 91 fits only the 2 run
    same = _run_refine(storage, n_trials=3, budget=5.7)
    assert same.search.n_trials == 2 and len(_trials(storage)) == 2
    assert "ran 2 of 3 trials" in same.reasons[-1].text
    assert same.search.cost_steps <= 5.7 * 16
    second = _run_refine(storage, n_trials=3, budget=6.0)
    trials = _trials(storage)
    assert len(trials) == 3 and [t[0] for t in trials] == [0, 1, 2]
    assert [t["params"] for t in second.search.trials[:2]] == [
        t["params"] for t in first.search.trials
    ]


def test_refine_runs_one_copy_of_a_proposal_enqueued_twice(tmp_path):
    # Two processes that open an empty shared study at the same moment each enqueue the
    # proposal: the first copy trains, the second fails at once, marked, and costs nothing.
    storage = str(tmp_path / "tune.jsonl")
    study = optuna.create_study(study_name="lrtune", storage=open_storage(storage))
    proposal = {"lr": 0.05, "scheduler": "cosine", "eta_min_ratio": 0.01, "warmup_fraction": 0.25}
    for _ in range(2):
        study.enqueue_trial(proposal, user_attrs={"proposal": True})
    rec = _run_refine(storage, n_trials=3)
    trials = rec.search.trials
    assert [(t["number"], t["state"], t["steps"]) for t in trials[:2]] == [
        (0, "complete", 4),  # 88 steps shared by 3 trials and 4 race runs of 4× their length
        (1, "fail", 0),
    ]
    assert trials[0]["params"] == proposal and trials[1]["params"] == {}
    assert (
        optuna.load_study(study_name="lrtune", storage=open_storage(storage))
        .trials[1]
        .user_attrs["copy_of"]
        == 0
    )
    assert rec.search.n_trials == 3 and len(trials) == 4
    assert trials[2]["params"] != trials[3]["params"]


def test_refine_resume_with_other_scheduler_choices_is_config_error(tmp_path):
    storage = str(tmp_path / "tune.log")
    _run_refine(storage, n_trials=1)
    other = Recommendation(_proposal().schedule, candidates=("cosine",), steps_per_epoch=4)
    with pytest.raises(ConfigError, match="scheduler choices"):
        refine(
            _task(),
            other,
            analysis=_analysis(),
            stats=_stats(),
            config=TuneConfig(n_trials=2, budget=4.5, storage=storage),
        )


@pytest.mark.parametrize("storage", ["mysql://db", "tune.db", "sqlite://", "", "redis://localhost"])
def test_tune_config_bad_storage_is_one_line_config_error(storage):
    with pytest.raises(ConfigError) as info:
        TuneConfig(storage=storage)
    assert "\n" not in str(info.value) and "storage" in str(info.value)


def test_refine_unreachable_storage_is_one_line_config_error(tmp_path):
    storage = f"sqlite:///{tmp_path / 'missing' / 'dir' / 'tune.db'}"
    with pytest.raises(ConfigError) as info:
        refine(
            _task(),
            _proposal(),
            analysis=_analysis(),
            stats=_stats(),
            config=TuneConfig(n_trials=1, storage=storage),
        )
    assert "\n" not in str(info.value) and "cannot open" in str(info.value)


@pytest.mark.parametrize(
    "options",
    [
        {"n_trials": 0},
        {"budget": 0},
        {"budget": 11},
        {"seeds": 0},
        {"pruner": "x"},
    ],
)
def test_tune_config_validates(options):
    with pytest.raises(ConfigError):
        TuneConfig(**options)


def test_trial_schedule_compresses_whole_curve():
    spec = make_schedule("cosine", lr=0.1, total=10, warmup=2, eta_min_ratio=0.1, basis="epoch")
    short = trial_schedule(spec, steps_per_epoch=20, factor=0.25)
    assert (short.basis, short.total, short.warmup, short.lr) == ("iteration", 50, 10, 0.1)
    full = spec.to_basis("iteration", 20)
    for step in (10, 30, 50):  # the same point of the curve at a quarter of the steps
        assert short.lr_at(step) == pytest.approx(full.lr_at(step * 4), rel=0.05)
    exp = make_schedule("exponential", lr=1.0, gamma=0.5, basis="iteration")
    assert trial_schedule(exp, steps_per_epoch=1, factor=0.5).gamma == pytest.approx(0.25)
    tiny = trial_schedule(spec, steps_per_epoch=1, factor=0.1)
    assert tiny.total == 1 and tiny.warmup == 0  # warmup dropped when it does not fit


@pytest.mark.slow  # two fresh interpreters importing torch and optuna
def test_refine_two_processes_share_one_journal_study(tmp_path):
    storage = str(tmp_path / "shared.log")
    code = (
        f"import sys; sys.path.insert(0, {str(HERE)!r}); import test_refine as t; "
        f"t._run_refine({storage!r}, n_trials=4)"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(2)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-2000:]
    trials = _trials(storage)
    finished = [t for t in trials if t[3] == "COMPLETE"]
    assert 4 <= len(finished) <= 5  # each process stops at 4; they may overshoot by one each
    assert [t[0] for t in trials] == list(range(len(trials)))


def _refine_on(storage: str | None, proposal: Recommendation, n_trials: int, **kw):
    kw.setdefault("budget", 5.0)
    config = TuneConfig(n_trials=n_trials, storage=storage, pruner="none", **kw)
    return refine(_task(), proposal, analysis=_analysis(), stats=_stats(), config=config)


def test_refine_resumed_study_uses_the_proposal_stored_by_its_first_run(tmp_path):
    storage = str(tmp_path / "tune.jsonl")
    first = _refine_on(storage, _proposal(), n_trials=2)
    moved = dataclasses.replace(_proposal(), schedule=_proposal().schedule.replace(lr=0.0635))
    second = _refine_on(storage, moved, n_trials=3, budget=5.5)  # 3 of the study's 4 steps
    trials = _trials(storage)
    assert trials[0][1]["lr"] == 0.05 and len(trials) == 3  # trial 0: the first run's proposal
    assert [t["params"] for t in second.search.trials[:2]] == [
        t["params"] for t in first.search.trials
    ]
    text = second.reasons[-1].text
    assert "stored proposal (cosine, peak LR 0.05, from its first run)" in text
    assert "instead of this run's (cosine, 0.0635)" in text
    if second.search.confirmation is None or second.search.confirmation["kept"] == "proposal":
        assert second.schedule.lr == 0.05  # the study's proposal, not this run's


def test_refine_study_for_another_run_length_is_config_error(tmp_path):
    storage = str(tmp_path / "tune.log")
    _refine_on(storage, _proposal(), n_trials=1)
    config = TuneConfig(n_trials=2, budget=2.5, storage=storage, pruner="none")
    with pytest.raises(ConfigError, match="expected a planned run of 16 steps .* got 32"):
        refine(
            _task(epochs=8),
            _proposal(epochs=8),
            analysis=_analysis(),
            stats=_stats(epochs=8),
            config=config,
        )


def _racing_train(runs: list):
    """Trials (data order 0) favour a higher LR; the race (data orders 1, 2) confirms it."""

    def fake_train(task, spec, plan, *, seed, device, report=None):
        runs.append((spec.lr, seed))
        time.sleep(0.01)
        return SimpleNamespace(val_loss=1.0 - spec.lr - 0.5 * (spec.lr > 0.05), steps=4)

    return fake_train


def test_refine_two_processes_on_one_study_race_once(tmp_path, monkeypatch):
    storage = str(tmp_path / "shared.jsonl")
    runs: list = []
    monkeypatch.setattr(trials_module, "_train_short", _racing_train(runs))
    results: dict[str, Any] = {}

    def worker(name: str) -> None:
        results[name] = _refine_on(storage, _proposal(), n_trials=4)

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    race = [run for run in runs if run[1] >= 1]  # data orders 1 and 2 are the race's alone
    assert len(race) == 4  # the proposal and the winner on 2 orders, once for the study
    a, b = results["a"].search.confirmation, results["b"].search.confirmation
    assert a == b and a["kept"] == "winner" and a["n_trials"] == 4
    assert results["a"].schedule == results["b"].schedule
    # a later run on the finished study reuses the stored outcome and trains nothing
    runs.clear()
    later = _refine_on(storage, _proposal(), n_trials=4)
    assert runs == [] and later.search.confirmation == a


def test_refine_interrupted_keeps_the_finished_trials_and_the_proposal(tmp_path, monkeypatch):
    storage = f"sqlite:///{tmp_path / 'tune.db'}"
    calls = []
    run_trial = refine_module._run_trial

    def interrupt_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return run_trial(*args, **kwargs)

    monkeypatch.setattr(refine_module, "_run_trial", interrupt_third)
    with pytest.raises(Interrupted) as info:
        _refine_on(storage, _proposal(), n_trials=5, budget=5.5)
    partial = info.value.result
    assert partial.schedule == _proposal().schedule  # the rules' proposal, not the best so far
    assert partial.search.interrupted and partial.search.n_trials == 2
    assert "was interrupted (Ctrl-C)" in partial.reasons[-1].text
    assert "is not confirmed, so the proposal is kept" in partial.reasons[-1].text
    assert [t[3] for t in _trials(storage)] == ["COMPLETE", "COMPLETE", "FAIL"]
    monkeypatch.setattr(refine_module, "_run_trial", run_trial)
    resumed = _refine_on(storage, _proposal(), n_trials=5, budget=5.5)
    assert resumed.search.n_trials == 5 and not resumed.search.interrupted
    assert [t[1] for t in _trials(storage)[:2]] == [t["params"] for t in partial.search.trials[:2]]


def _fake_train_steps(task, spec, plan, *, seed, device, report=None):
    """A trial-length run that trains nothing: the higher the LR, the lower the loss."""
    return SimpleNamespace(val_loss=1.0 - spec.lr + 0.01 * seed, steps=plan.trial_steps)


def _long_epochs(epochs: int, spe: int) -> tuple[Recommendation, DatasetStats]:
    """An epoch-basis proposal (and the statistics) of ``epochs`` epochs of ``spe`` steps."""
    spec = make_schedule("cosine", lr=0.05, total=epochs, eta_min_ratio=0.01, basis="epoch")
    proposal = Recommendation(
        spec, candidates=("cosine", "linear"), steps_per_epoch=spe, epochs=epochs
    )
    stats = DatasetStats(
        n_samples=4 * spe,
        batch_size=4,
        steps_per_epoch=spe,
        epochs=epochs,
        total_steps=spe * epochs,
    )
    return proposal, stats


def test_refine_150_step_epoch_run_stays_within_budget_one(monkeypatch):
    """3 epochs of 50 steps at --budget 1: 2 trials of 50 and the race's 4 runs of 200 need
    900."""
    monkeypatch.setattr(trials_module, "_train_short", _fake_train_steps)
    proposal, stats = _long_epochs(3, 50)
    rec = refine(
        _task(), proposal, analysis=_analysis(), stats=stats, config=TuneConfig(budget=1.0)
    )
    assert rec.search is None and rec.schedule == proposal.schedule  # no steps spent
    assert rec.reasons[-1].rule == "optuna-refine"
    assert rec.reasons[-1].text == (
        "No search: the budget 1× of a 150-step run fits no trial of 50 updates (the "
        "proposal, one other trial and the confirmation race on fresh data orders need 900 "
        "steps in all; --budget 6 would fit them), so the proposal stands."
    )
    # with the horizon check's steps spent first, the fix covers them too
    checked = refine(
        _task(), proposal, analysis=_analysis(), stats=stats, config=TuneConfig(), spent=60
    )
    assert "less 60 steps for the horizon check" in checked.reasons[-1].text
    assert "--budget 6.4 would fit them" in checked.reasons[-1].text


@pytest.mark.parametrize(
    ("epochs", "spe", "budget", "n_trials", "seeds", "spent"),
    [
        (3, 50, 1.0, 8, 1, 0),
        (3, 50, 2.5, 8, 1, 0),
        (3, 50, 2.5, 8, 1, 40),
        (4, 47, 1.0, 8, 1, 0),  # the 188-step run
        (3, 120, 1.0, 8, 1, 0),  # the 360-step run
        (10, 30, 1.0, 8, 2, 100),
        (10, 30, 2.0, 8, 2, 100),  # 6 of 8 trials
        (2, 400, 1.0, 16, 1, 0),  # 8 of 16 trials
        (5, 4, 10.0, 3, 3, 0),
    ],
)
def test_refine_total_cost_never_exceeds_the_budget(
    monkeypatch, epochs, spe, budget, n_trials, seeds, spent
):
    monkeypatch.setattr(trials_module, "_train_short", _fake_train_steps)
    proposal, stats = _long_epochs(epochs, spe)
    config = TuneConfig(n_trials=n_trials, budget=budget, seeds=seeds, pruner="none")
    rec = refine(_task(), proposal, analysis=_analysis(), stats=stats, config=config, spent=spent)
    total = epochs * spe
    if rec.search is None:
        assert rec.reasons[-1].text.startswith("No search: the budget")
        return
    assert spent + _race_steps(rec.search) <= rec.search.cost_steps <= budget * total
    assert rec.search.n_trials >= 2
    assert all(t["steps"] >= min(spe, 64) * seeds for t in rec.search.trials)
    if rec.search.n_trials < n_trials:
        assert f"ran {rec.search.n_trials} of {n_trials} trials" in rec.reasons[-1].text


def test_refine_epoch_basis_trials_may_be_shorter_than_an_epoch(tmp_path):
    """3 epochs of 100 steps at --budget 4.5: 2 trials of 75 steps and 4 race runs of 300."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(400, 3, generator=g)
    data = torch.utils.data.TensorDataset(x, x @ torch.tensor([[1.0], [-2.0], [0.5]]))
    task = make_task(
        model=nn.Linear(3, 1),
        train_loader=torch.utils.data.DataLoader(data, batch_size=4, shuffle=True),
        val_loader=torch.utils.data.DataLoader(data, batch_size=400),
        criterion=nn.MSELoss(),
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
        epochs=3,
    )
    proposal, stats = _long_epochs(3, 100)
    storage = str(tmp_path / "tune.jsonl")
    config = TuneConfig(n_trials=2, budget=4.5, storage=storage, pruner="median")
    rec = refine(task, proposal, analysis=_analysis(), stats=stats, config=config)
    search = rec.search
    assert [(t["state"], t["steps"]) for t in search.trials] == [("complete", 75)] * 2
    assert all(t["value"] is not None for t in search.trials)
    assert search.cost_steps == 2 * 75 + _race_steps(search) <= 1350
    # one report per trial, at its end (epoch 0): nothing divides by a zero epoch count
    study = optuna.load_study(study_name="lrtune", storage=open_storage(storage))
    assert [list(t.intermediate_values) for t in study.trials] == [[0], [0]]
    assert rec.basis == "epoch" and rec.schedule.total == 3
