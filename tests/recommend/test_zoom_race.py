"""The zoom's race: the first sweep's peak replaces the zoom's only where it trains better on
every data order raced."""

from __future__ import annotations

import copy
import math

from lrtune.recommend._recommendation import Reason, Recommendation
from lrtune.recommend.zoom_race import FRACTION, ORDERS, race_readings
from lrtune.schedules import make_schedule
from lrtune.train import evaluate


def _rec(lr: float, why: str) -> Recommendation:
    spec = make_schedule("cosine", lr=lr, total=80, warmup=4, basis="iteration")
    return Recommendation(spec, (Reason("peak-lr", why, ""),), steps_per_epoch=8, epochs=10)


def test_a_first_sweep_peak_that_trains_better_on_every_order_replaces_the_zooms(least_squares):
    rec = race_readings(least_squares, _rec(0.001, "zoom"), _rec(0.05, "first"), seed=0)
    race = rec.race
    assert rec.initial_lr == race["lr"] == 0.05
    assert [r.text for r in rec.reasons][0] == "first"  # the winner's own reasons
    assert race["peaks"] == [0.001, 0.05] and race["window"] == round(FRACTION * 80)
    assert len(race["losses"]) == ORDERS  # it had to win every order
    assert all(first < zoom for zoom, first in race["losses"])
    assert race["steps"] == 2 * ORDERS * race["window"]
    reason = rec.reasons[-1]
    assert reason.rule == "zoom-race" and "the first sweep's peak is kept" in reason.text


def test_the_zooms_peak_stands_after_the_first_order_it_wins(least_squares):
    ticks = []
    rec = race_readings(
        least_squares,
        _rec(0.05, "zoom"),
        _rec(0.8, "first"),
        seed=0,
        progress=lambda done, total: ticks.append((done, total)),
    )
    assert ticks[-1][0] == ticks[-1][1]  # stopped after one order, the bar still completes
    race = rec.race
    assert rec.initial_lr == 0.05 and [r.text for r in rec.reasons][0] == "zoom"
    assert len(race["losses"]) == 1  # no second order: the zoom's held the first
    zoom_loss, first_loss = race["losses"][0]
    assert math.isinf(first_loss) or first_loss > zoom_loss  # 0.8 blows up
    assert race["steps"] <= 2 * race["window"]
    assert "the zoom's peak is kept" in rec.reasons[-1].text


def test_the_noise_race_names_its_readings_and_keeps_the_rules_peak_when_it_holds(least_squares):
    rec = race_readings(
        least_squares, _rec(0.05, "rules"), _rec(0.8, "patient"), kind="noise", seed=0
    )
    assert rec.initial_lr == 0.05 and rec.race["kind"] == "noise"
    reason = rec.reasons[-1]
    assert reason.rule == "noise-race"
    assert reason.text.startswith("the rules' readings gave peak 0.05 and the patient reading's")
    assert "batch noise" in reason.text and reason.text.endswith("so the rules' peak is kept.")


def test_a_challenger_that_learnt_nothing_does_not_win_against_one_that_blew_up(least_squares):
    """sinefreq_gru_sgd's case: the rules' peak blows up in the short run, the patient one
    stays at its untrained loss; lower is not better there, so the rules' peak stands for the
    stability probe to halve."""
    rec = race_readings(
        least_squares, _rec(5.0, "rules"), _rec(1e-7, "patient"), kind="noise", seed=0
    )
    race = rec.race
    assert rec.initial_lr == race["lr"] == 5.0 and [r.text for r in rec.reasons][0] == "rules"
    (blown, stayed), (untrained,) = race["losses"][0], race["untrained"]
    assert math.isinf(blown) and stayed > 0.8 * untrained  # it learnt nothing
    assert len(race["losses"]) == 1  # the first order decided
    text = rec.reasons[-1].text
    assert f"stayed above 0.8x its untrained validation loss ({untrained:.4g})" in text
    assert "cannot win against a blow-up: the stability probe decides whether 5 blows" in text
    assert text.endswith("so the rules' peak is kept.")


def test_a_slow_challenger_still_wins_against_a_kept_run_that_stood_still(least_squares):
    """hastie_tanh_rmsprop's case: neither run blew up, neither learnt much; the lower loss
    wins, as it did before (candidate (37) lost this and was rejected)."""
    rec = race_readings(
        least_squares, _rec(1e-7, "rules"), _rec(1e-5, "patient"), kind="noise", seed=0
    )
    race = rec.race
    assert rec.initial_lr == race["lr"] == 1e-5 and len(race["losses"]) == ORDERS
    for (kept, challenger), untrained in zip(race["losses"], race["untrained"]):
        assert math.isfinite(kept) and 0.8 * untrained < challenger < kept
    assert "cannot win" not in rec.reasons[-1].text


def test_the_race_records_each_orders_untrained_loss(least_squares):
    """The untrained loss is that of the model the race's runs start from (a deep copy of
    the task's model), not of a model the factory builds with the order's seed (candidate
    (45): on eqpairs_gru_adagrad those read 1.09 against the runs' 1.21)."""
    rec = race_readings(least_squares, _rec(0.001, "zoom"), _rec(0.05, "first"), seed=0)
    untrained = rec.race["untrained"]
    start = evaluate(least_squares, copy.deepcopy(least_squares.model), device="cpu")
    assert untrained == [start] * ORDERS and start > 1.0
    assert all(first < 0.8 * u for (_, first), u in zip(rec.race["losses"], untrained))


def test_after_a_zoom_the_noise_triggered_a_lead_within_one_percent_is_a_tie(least_squares):
    """recall_gru_adam's case (candidate (50)): both short runs stood still, the first sweep's
    led by 0.4%, won, and every training run stalled at its peak. After a zoom the batch noise
    triggered, such a lead is a tie, and the zoom's peak stands."""
    plain = race_readings(least_squares, _rec(1e-7, "zoom"), _rec(1.2e-7, "first"), seed=0)
    (zoom_loss, first_loss), *_ = plain.race["losses"]
    assert plain.initial_lr == 1.2e-7 and 0.99 * zoom_loss < first_loss < zoom_loss
    assert "margin" not in plain.race  # a plain zoom race: any lower loss wins
    tied = race_readings(
        least_squares, _rec(1e-7, "zoom"), _rec(1.2e-7, "first"), kind="noise-zoom", seed=0
    )
    assert tied.initial_lr == tied.race["lr"] == 1e-7 and tied.race["margin"] == 0.01
    assert len(tied.race["losses"]) == 1  # the tie on the first order decided it
    reason = tied.reasons[-1]
    assert reason.rule == "zoom-race" and "by more than 1% (closer is a tie" in reason.text
    assert reason.text.endswith("so the zoom's peak is kept.")
