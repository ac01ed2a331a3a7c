"""--tune's peak race: where the budget fits no Optuna search, the proposal races its schedule
at a quarter of its peak (and, but for SGD, 4x it), and a challenger replaces it only if it
wins every order by more than 10%."""

from __future__ import annotations

import pytest

from lrtune.recommend._recommendation import Reason, Recommendation
from lrtune.recommend.refine import _peaks, race_peaks
from lrtune.recommend.refine._peaks import ORDER_OFFSET, peak_plan
from lrtune.schedules import make_schedule
from lrtune.train import TrainResult


def _rec(lr: float) -> Recommendation:
    spec = make_schedule("cosine", lr=lr, total=80, warmup=4, basis="iteration")
    return Recommendation(spec, (Reason("peak-lr", "rules", ""),), steps_per_epoch=8, epochs=10)


def _race(task, lr: float, **options):
    options = {"budget": 1.0, "spent": 0, "sgd": True, "search_budget": 1.6, **options}
    return race_peaks(task, _rec(lr), **options)


def test_a_peak_four_times_too_low_is_raised_after_winning_both_orders(least_squares):
    rec = _race(least_squares, 0.01, sgd=False)  # stable up to about 0.25: 0.04 learns faster
    race = rec.search.confirmation
    assert race["kind"] == "peak-race" and race["window"] == 16  # a fifth of 80 updates
    assert race["peaks"] == pytest.approx([0.01, 0.04, 0.0025])
    assert rec.initial_lr == pytest.approx(0.04) and race["kept"] == "winner"
    assert rec.schedule.total == 80 and rec.schedule.warmup == 4  # the full-length schedule
    orders = [
        [(round(r["peak"], 6), r["loss"]) for r in race["runs"] if r["order"] == ORDER_OFFSET + o]
        for o in (0, 1)
    ]
    assert [len(o) for o in orders] == [3, 2]  # only the better challenger runs again
    for order in map(dict, orders):
        assert order[0.04] < order[0.01]
    assert race["steps"] == rec.search.cost_steps == 5 * 16  # at most the whole run
    assert [t["steps"] for t in rec.search.trials] == [16, 16, 16]  # the first order's, as trained
    reason = rec.reasons[-1]
    assert reason.rule == "peak-race" and "it needs --budget 1.6" in reason.text
    assert reason.text.endswith("the challenger's peak 0.04 replaces the proposal's 0.01.")


def test_a_peak_near_the_stability_limit_is_kept_over_one_that_blows_up(least_squares):
    rec = _race(least_squares, 0.2, sgd=False)  # 0.8 blows up; 0.05 learns slower
    race = rec.search.confirmation
    assert rec.initial_lr == 0.2 and race["kept"] == "proposal"
    up = [r for r in race["runs"] if r["peak"] == pytest.approx(0.8)]
    assert up and (up[0]["loss"] is None or up[0]["loss"] > 1e6)  # blew up
    assert len(race["runs"]) == 3 and race["steps"] <= 3 * 16  # no challenger won order 1
    assert "at 0.8" in rec.reasons[-1].text
    assert rec.reasons[-1].text.endswith("so the proposal's peak 0.2 is kept.")
    assert [r.text for r in rec.reasons][0] == "rules"


def test_a_diverging_proposal_is_lowered(least_squares):
    rec = _race(least_squares, 0.4)  # above the limit: a quarter of it trains
    assert rec.initial_lr == pytest.approx(0.1)
    race = rec.search.confirmation
    assert race["kept"] == "winner" and race["peaks"] == pytest.approx([0.4, 0.1])  # SGD: no 4x
    assert race["steps"] <= 4 * 16


def test_a_smaller_budget_races_one_challenger_and_a_tiny_one_none(least_squares):
    # a check spent 32 of 80: 48 hold 4 runs of 12 = 15% of the run, not 5
    assert peak_plan(80, 48, sgd=True) == (12, (0.25,))
    assert peak_plan(80, 48, sgd=False) == (12, (4.0,))
    rec = _race(least_squares, 0.4, spent=32, sgd=True)
    assert rec.search.confirmation["peaks"] == pytest.approx([0.4, 0.1])
    assert rec.search.cost_steps == 32 + rec.search.confirmation["steps"] <= 80
    assert _race(least_squares, 0.4, budget=0.5) is None  # 40 steps hold no race


def test_the_race_reports_progress_to_the_end(least_squares):
    ticks = []
    _race(least_squares, 0.2, sgd=False, progress=lambda done, total: ticks.append((done, total)))
    assert ticks[0] == (1, 5) and ticks[-1] == (5, 5)


@pytest.mark.parametrize(
    ("losses", "kept", "n_runs"),
    [
        ({0.01: [1.0, 1.0], 0.04: [0.85, 0.88]}, 0.04, 5),  # 15% and 12% lower: it wins
        ({0.01: [1.0, 1.0], 0.04: [0.85, 0.95]}, 0.01, 5),  # 5% on the second: not enough
        ({0.01: [1.0, 1.0], 0.04: [0.93, 0.5]}, 0.01, 3),  # 7% on the first: no second order
        ({0.01: [1.0, 1.0], 0.04: [0.8, 0.8], 0.0025: [0.7, 0.7]}, 0.0025, 5),  # the better
        ({0.01: [float("inf")] * 2, 0.04: [0.5, 0.5]}, 0.04, 5),  # a diverged proposal
    ],
)
def test_a_challenger_must_lead_by_more_than_the_margin_on_each_order(
    least_squares, monkeypatch, losses, kept, n_runs
):
    def fake_train(task, spec, *, seed, max_steps, **_):
        order = seed - ORDER_OFFSET
        loss = losses.get(round(spec.lr, 6), [2.0, 2.0])[order]
        return TrainResult(loss, loss, max_steps, 0.0, [], diverged=loss == float("inf"))

    monkeypatch.setattr(_peaks, "train_schedule", fake_train)
    rec = _race(least_squares, 0.01, sgd=False)
    assert rec.initial_lr == pytest.approx(kept)
    runs = rec.search.confirmation["runs"]
    assert len(runs) == n_runs
    assert rec.search.confirmation["kept"] == ("proposal" if kept == 0.01 else "winner")
