"""--tune's peak race: where the budget fits no Optuna search, the proposal races its schedule
at 4x its peak (a quarter for SGD), climbs one more rung that way when that won, else (but
for SGD) races a quarter; a challenger replaces it only if it wins every order by more than
10%."""

from __future__ import annotations

import pytest

from lrtune.recommend._recommendation import Reason, Recommendation
from lrtune.recommend.refine import _peaks, race_peaks
from lrtune.recommend.refine._peaks import ORDER_OFFSET
from lrtune.recommend.refine._race_plan import horizon_shift, peak_plan
from lrtune.schedules import make_schedule
from lrtune.state import stream_seed
from lrtune.train import TrainResult


def _rec(lr: float) -> Recommendation:
    spec = make_schedule("cosine", lr=lr, total=80, warmup=4, basis="iteration")
    return Recommendation(spec, (Reason("peak-lr", "rules", ""),), steps_per_epoch=8, epochs=10)


#: the factor a non-SGD race run of 16 of 80 updates trains its peak at (5 ** 0.28)
SHIFT = horizon_shift(80, 16, sgd=False)


def _race(task, lr: float, **options):
    options = {"budget": 1.0, "spent": 0, "sgd": True, "search_budget": 1.6, **options}
    return race_peaks(task, _rec(lr), **options)


def test_a_peak_sixteen_times_too_low_climbs_two_rungs_and_wins_both_orders(least_squares):
    rec = _race(least_squares, 0.005, sgd=False)  # stable up to about 0.25: 0.08 x SHIFT best
    race = rec.search.confirmation
    assert race["kind"] == "peak-race" and race["window"] == 16  # a fifth of 80 updates
    assert race["peaks"] == pytest.approx([0.005, 0.02, 0.08])  # 4x won, so 16x raced
    assert race["shift"] == pytest.approx(5**0.28)  # each trained at SHIFT x its peak
    assert rec.initial_lr == pytest.approx(0.08) and race["kept"] == "winner"
    assert rec.schedule.total == 80 and rec.schedule.warmup == 4  # the full-length schedule
    seeds = [stream_seed(0, ORDER_OFFSET + o) for o in (0, 1)]  # the race's data orders
    orders = [
        [(round(r["peak"], 6), r["loss"]) for r in race["runs"] if r["order"] == s] for s in seeds
    ]
    assert [len(o) for o in orders] == [3, 2]  # only the better challenger runs again
    assert orders[0][1][1] < 0.9 * orders[0][0][1]  # 4x beat the proposal by the margin...
    assert orders[0][2][1] < 0.9 * orders[0][1][1]  # ...and 16x beat 4x by it
    second = dict(orders[1])  # the second order decides between the rung and 4x
    assert set(second) == {0.02, 0.08} and second[0.08] < 0.9 * second[0.02]
    assert race["steps"] == rec.search.cost_steps == 5 * 16  # at most the whole run
    assert [t["steps"] for t in rec.search.trials] == [16, 16, 16]  # the first order's, as trained
    reason = rec.reasons[-1]
    assert reason.rule == "peak-race" and "it needs --budget 1.6" in reason.text
    assert "trained at 1.6x the peak named" in reason.text
    assert reason.text.endswith("the challenger's peak 0.08 replaces the proposal's 0.005.")


def test_a_peak_near_the_stability_limit_is_kept_over_one_that_blows_up(least_squares):
    rec = _race(least_squares, 0.12, sgd=False)  # 0.48 x SHIFT blows up; 0.03 learns slower
    race = rec.search.confirmation
    assert rec.initial_lr == 0.12 and race["kept"] == "proposal"
    up = [r for r in race["runs"] if r["peak"] == pytest.approx(0.48)]
    assert up and (up[0]["loss"] is None or up[0]["loss"] > 1e6)  # blew up
    assert len(race["runs"]) == 3 and race["steps"] <= 3 * 16  # no challenger won order 1
    assert "at 0.48" in rec.reasons[-1].text
    assert rec.reasons[-1].text.endswith("so the proposal's peak 0.12 is kept.")
    assert [r.text for r in rec.reasons][0] == "rules"


def test_a_diverging_sgd_proposal_is_lowered_one_rung_not_two(least_squares):
    rec = _race(least_squares, 0.4)  # above the limit: a quarter of it trains
    assert rec.initial_lr == pytest.approx(0.1)
    race = rec.search.confirmation
    assert race["kept"] == "winner"
    assert race["peaks"] == pytest.approx([0.4, 0.1, 0.025])  # SGD: no 4x; 1/16 learns slower
    assert race["steps"] <= 5 * 16


def test_a_smaller_budget_races_one_challenger_and_a_tiny_one_none(least_squares):
    # a check spent 32 of 80: 48 hold 4 runs of 12 = 15% of the run, not 5
    assert peak_plan(80, 48, sgd=True) == (12, 4)
    assert peak_plan(80, 48, sgd=False) == (12, 4)
    rec = _race(least_squares, 0.4, spent=32, sgd=True)
    assert rec.search.confirmation["peaks"] == pytest.approx([0.4, 0.1])  # no room for a rung
    assert rec.search.cost_steps == 32 + rec.search.confirmation["steps"] <= 80
    assert _race(least_squares, 0.4, budget=0.5) is None  # 40 steps hold no race


def test_the_default_check_leaves_room_for_four_runs_where_15_percent_is_not_whole():
    # 40% of these runs is whole and 15% is not: rounded up, four runs of 15% needed a step
    # or three more than the 60% a default horizon check leaves (no race ran on four zoo tasks)
    for total in (225, 270, 550, 690):
        window, runs = peak_plan(total, total - round(0.4 * total), sgd=False)
        assert runs == 4 and window == int(0.15 * total) and 4 * window <= 0.6 * total
        assert peak_plan(total, total - round(0.4 * total), sgd=True) == (window, 4)


def test_a_race_with_room_for_four_runs_says_what_it_did_not_race(least_squares):
    # a check spent 32 of 80: four runs of 12; 0.8 blows up, and a quarter of 0.2 has no room
    rec = _race(least_squares, 0.2, spent=32, sgd=False)
    race = rec.search.confirmation
    assert race["peaks"] == pytest.approx([0.2, 0.8]) and race["kept"] == "proposal"
    text = rec.reasons[-1].text
    assert text.endswith(
        "The budget left held four runs, so a quarter of the peak was not raced (--budget 1.15 "
        "would hold a fifth run)."
    )
    assert peak_plan(80, int(1.15 * 80) - 32, sgd=False)[1] == 5  # the budget named holds five
    assert peak_plan(80, int(1.10 * 80) - 32, sgd=False)[1] == 4  # and no less would
    # with room for five, nothing is said
    assert "was not raced" not in _race(least_squares, 0.2, sgd=False).reasons[-1].text


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
        ({0.01: [1.0, 1.0], 0.04: [0.8, 0.8], 0.16: [0.6, 0.6]}, 0.16, 5),  # the rung wins
        ({0.01: [1.0, 1.0], 0.04: [0.8, 0.8], 0.16: [0.75, 0.5]}, 0.04, 5),  # by 6%: 4x's
        ({0.01: [1.0, 1.0], 0.04: [0.8, 0.8], 0.16: [0.6, 2.0]}, 0.04, 5),  # the rung relapsed
        ({0.01: [1.0, 1.0], 0.04: [0.8, float("inf")], 0.16: [0.6, 0.5]}, 0.01, 5),  # 4x blew
        ({0.01: [1.0, 1.0], 0.04: [0.8, 0.8], 0.0025: [0.7, 0.7]}, 0.04, 5),  # no quarter
        ({0.01: [1.0, 1.0], 0.04: [1.2, 1.2], 0.0025: [0.7, 0.7]}, 0.0025, 5),  # 4x lost
        ({0.01: [1.0, 1.0], 0.04: [1.2, 1.2], 0.0025: [0.95, 0.5]}, 0.01, 3),  # 5%: no order 2
        ({0.01: [float("inf")] * 2, 0.04: [0.5, 0.5]}, 0.04, 5),  # a diverged proposal
    ],
)
def test_a_challenger_must_lead_by_more_than_the_margin_on_each_order(
    least_squares, monkeypatch, losses, kept, n_runs
):
    def fake_train(task, spec, *, seed, max_steps, **_):
        order = {stream_seed(0, ORDER_OFFSET + o): o for o in (0, 1)}[seed]
        loss = losses.get(round(spec.lr / SHIFT, 6), [2.0, 2.0])[order]
        return TrainResult(loss, loss, max_steps, 0.0, [], diverged=loss == float("inf"))

    monkeypatch.setattr(_peaks, "train_schedule", fake_train)
    rec = _race(least_squares, 0.01, sgd=False)
    assert rec.initial_lr == pytest.approx(kept)
    runs = rec.search.confirmation["runs"]
    assert len(runs) == n_runs
    assert rec.search.confirmation["kept"] == ("proposal" if kept == 0.01 else "winner")


def test_sgd_climbs_down_a_rung_only_when_its_quarter_won(least_squares, monkeypatch):
    losses = {0.4: 1.0, 0.1: 0.8, 0.025: 0.5}

    def fake_train(task, spec, *, max_steps, **_):
        loss = losses.get(round(spec.lr, 6), 2.0)
        return TrainResult(loss, loss, max_steps, 0.0, [], diverged=False)

    monkeypatch.setattr(_peaks, "train_schedule", fake_train)
    rec = _race(least_squares, 0.4)
    assert rec.search.confirmation["peaks"] == pytest.approx([0.4, 0.1, 0.025])
    assert rec.initial_lr == pytest.approx(0.025)
    losses[0.1] = 1.5  # the quarter lost: no rung, no second order
    rec = _race(least_squares, 0.4)
    assert rec.search.confirmation["peaks"] == pytest.approx([0.4, 0.1])
    assert rec.initial_lr == 0.4 and len(rec.search.confirmation["runs"]) == 2


@pytest.mark.parametrize(("sgd", "shift"), [(False, 5**0.28), (True, 1.0)])
def test_outside_sgd_each_run_trains_its_peak_shifted_for_its_short_horizon(
    least_squares, monkeypatch, sgd, shift
):
    trained = []

    def fake_train(task, spec, *, max_steps, **_):
        trained.append(spec.lr)
        return TrainResult(1.0, 1.0, max_steps, 0.0, [], diverged=False)

    monkeypatch.setattr(_peaks, "train_schedule", fake_train)
    rec = _race(least_squares, 0.01, sgd=sgd)  # every run ties: the proposal is kept
    peaks = rec.search.confirmation["peaks"]
    assert trained == pytest.approx([p * shift for p in peaks])
    assert rec.initial_lr == 0.01 and rec.search.confirmation["shift"] == pytest.approx(shift)
    assert ("trained at" in rec.reasons[-1].text) is (not sgd)
