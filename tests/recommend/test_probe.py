"""The stability probe: a peak that blows up in the run's first stretch is halved."""

from __future__ import annotations

from dataclasses import replace

from lrtune.api import FindConfig, find
from lrtune.recommend._recommendation import Recommendation
from lrtune.recommend.probe import probe_recommendation
from lrtune.schedules import make_schedule


def _rec(lr: float) -> Recommendation:
    spec = make_schedule("cosine", lr=lr, total=80, warmup=4, basis="iteration")
    return Recommendation(spec, steps_per_epoch=8, epochs=10)


def test_a_peak_that_diverges_is_halved_until_it_trains(least_squares):
    rec = probe_recommendation(least_squares, _rec(0.8), seed=0)
    probe = rec.probe
    assert probe["peaks"][0] == 0.8 and probe["failed"][0]
    assert probe["failed"][-1] is False and rec.initial_lr == probe["peaks"][-1] < 0.25
    assert probe["peaks"] == [0.8 / 2**k for k in range(len(probe["peaks"]))]
    assert probe["window"] == 24  # the warmup (4) + 20 updates at least: 20% of 80 is less
    assert probe["steps"] <= 24 * len(probe["peaks"])
    reason = rec.reasons[-1]
    assert reason.rule == "stability-probe" and "halved" in reason.text


def test_a_peak_that_trains_is_kept(least_squares):
    rec = probe_recommendation(least_squares, _rec(0.05), seed=0)
    assert rec.initial_lr == 0.05 and rec.probe["failed"] == [False]
    assert "is kept" in rec.reasons[-1].text


def test_find_records_the_probe_and_no_probe_turns_it_off(least_squares, tmp_path):
    result = find(least_squares, config=FindConfig.create(seed=0, device="cpu", num_iter=60))
    assert result.recommendation.probe is not None
    assert "stability-probe" in {r.rule for r in result.recommendation.reasons}
    assert result.to_dict()["recommendation"]["probe"] == result.recommendation.probe
    off = find(
        least_squares, config=FindConfig.create(seed=0, device="cpu", num_iter=60, probe=False)
    )
    assert off.recommendation.probe is None


def test_the_probe_reports_its_progress_per_epoch(least_squares):
    calls = []
    probe_recommendation(least_squares, _rec(0.05), seed=0, progress=lambda *a: calls.append(a))
    assert calls == [(1, 3), (2, 3), (3, 3)]  # a window of 24 updates: 3 epochs of 8


def _scripted(monkeypatch, curves):
    """Make every probe window return ``curves[peak]`` as its validation losses (untrained
    loss 2.3): the probe's decisions, without training's chaos at high rates."""
    from types import SimpleNamespace

    from lrtune.recommend import probe as probe_module

    def train_schedule(task, schedule, *, max_steps, **_):
        trace = [SimpleNamespace(val_loss=v) for v in curves[round(schedule.lr, 6)]]
        return SimpleNamespace(
            trace=trace, val_loss=trace[-1].val_loss, steps=max_steps, diverged=False
        )

    monkeypatch.setattr(probe_module, "train_schedule", train_schedule)
    monkeypatch.setattr(probe_module, "untrained_loss", lambda *_: 2.3)


STUCK, LEARNS = [2.3, 2.2, 2.1, 2.25], [2.0, 1.5, 1.1, 0.9]


def _easing(best: float) -> list[float]:
    """A window that did not learn (never below 0.8 x 2.3) but reached ``best``."""
    return [2.3, best + 0.1, best, best + 0.05]


def test_a_peak_that_does_not_train_where_a_lower_one_learns_is_lowered(monkeypatch, least_squares):
    _scripted(monkeypatch, {0.8: STUCK, 0.4: STUCK, 0.2: LEARNS})
    rec = probe_recommendation(least_squares, _rec(0.8), seed=0)
    assert rec.probe["outcomes"] == ["did not learn", "did not learn", "learnt"]
    assert rec.probe["peaks"] == [0.8, 0.4, 0.2] and rec.probe["failed"] == [True, True, False]
    assert rec.initial_lr == rec.probe["lr"] == 0.2
    assert "too high to train (a stall, not a slow start)" in rec.reasons[-1].text


def test_a_peak_that_does_not_learn_at_any_control_is_kept(monkeypatch, least_squares):
    _scripted(monkeypatch, {0.8: STUCK, 0.4: STUCK, 0.2: STUCK})
    rec = probe_recommendation(least_squares, _rec(0.8), seed=0)
    assert rec.probe["outcomes"] == ["did not learn"] * 3 and rec.initial_lr == 0.8
    assert "cannot tell a stall from a slow start" in rec.reasons[-1].text


def test_a_control_that_relapses_is_not_proposed(monkeypatch, least_squares):
    _scripted(monkeypatch, {0.8: STUCK, 0.4: [2.0, 1.2, 1.9, 2.2], 0.2: STUCK})
    rec = probe_recommendation(least_squares, _rec(0.8), seed=0)
    assert rec.probe["outcomes"] == ["did not learn", "relapsed", "did not learn"]
    assert rec.initial_lr == 0.8
    text = rec.reasons[-1].text
    assert "halved" not in text and "no lower control (0.4, 0.2) learnt and held" in text


def _limited(lr: float, limit: float) -> Recommendation:
    return replace(_rec(lr), limit=limit)


def test_a_peak_that_learns_nowhere_below_is_raised_up_to_the_limit(monkeypatch, least_squares):
    # digits_vit_adamw's and biclust_factor_adagrad's shape: the floor rule's peak and its
    # controls learn nothing; 4x does not learn either, and 16x is capped at the limit
    curves = {0.1: STUCK, 0.05: STUCK, 0.025: STUCK, 0.4: _easing(2.05), 1.2: LEARNS}
    _scripted(monkeypatch, curves)
    rec = probe_recommendation(least_squares, _limited(0.1, 1.2), seed=0)
    assert rec.probe["peaks"] == [0.1, 0.05, 0.025, 0.4, 1.2]
    assert rec.probe["failed"] == [True, True, True, True, False] and rec.probe["raised"]
    assert rec.initial_lr == rec.probe["lr"] == 1.2
    text = rec.reasons[-1].text
    assert (
        "nor at the lower controls 0.05, 0.025, while at 1.2 (12x, at most the rules' limit)"
        in text
    )
    assert "so the peak was raised to 1.2" in text


def test_the_climb_goes_on_to_the_limit_while_nothing_learns(monkeypatch, least_squares):
    # digits_vit_adamw's find seed 0: 4x and 16x its floor learnt nothing either
    # (each rung's loss fell a little lower than the one below it)
    stuck = {0.1: STUCK, 0.05: STUCK, 0.025: STUCK}
    stuck |= {0.4: _easing(2.05), 1.6: _easing(2.0), 6.4: _easing(1.95)}
    _scripted(monkeypatch, {**stuck, 10.0: LEARNS})
    rec = probe_recommendation(least_squares, _limited(0.1, 10.0), seed=0)
    assert rec.probe["peaks"] == [0.1, 0.05, 0.025, 0.4, 1.6, 6.4, 10.0]
    assert rec.probe["best_val"] == [2.1, 2.1, 2.1, 2.05, 2.0, 1.95, 0.9]
    assert rec.initial_lr == 10.0 and rec.probe["raised"]
    _scripted(monkeypatch, {**stuck, 10.0: _easing(1.9)})
    rec = probe_recommendation(least_squares, _limited(0.1, 10.0), seed=0)
    assert rec.probe["peaks"][-1] == 10.0 and rec.initial_lr == 0.1
    assert "nor any higher peak up to the rules' limit (0.4, 1.6, 6.4, 10)" in (
        rec.reasons[-1].text
    )


def test_the_climb_stops_at_a_rung_whose_loss_fell_no_lower(monkeypatch, least_squares):
    # transformer_finetune's and gaussq_mlp_rmsprop's shape: 4x the peak trained worse in
    # the window than the peak itself, so climbing further to the limit is not tried
    curves = {0.1: _easing(2.0), 0.05: STUCK, 0.025: STUCK, 0.4: _easing(2.02)}
    _scripted(monkeypatch, curves)
    rec = probe_recommendation(least_squares, _limited(0.1, 10.0), seed=0)
    assert rec.probe["peaks"] == [0.1, 0.05, 0.025, 0.4] and rec.initial_lr == 0.1
    assert rec.probe["climb_stopped"] and "raised" not in rec.probe
    assert rec.probe["steps"] == 4 * rec.probe["window"]
    assert (
        "nor any higher peak it climbed to (0.4); at 0.4 the validation loss fell no lower "
        "than at the peaks below it, so the climb stopped short of the rules' limit"
    ) in rec.reasons[-1].text
    # a rung below the peak's loss but above an earlier rung's stops the climb as well
    curves |= {0.4: _easing(1.95), 1.6: _easing(1.97)}
    rec = probe_recommendation(least_squares, _limited(0.1, 10.0), seed=0)
    assert rec.probe["peaks"] == [0.1, 0.05, 0.025, 0.4, 1.6] and rec.initial_lr == 0.1


def test_a_raised_peak_that_relapses_ends_the_climb(monkeypatch, least_squares):
    _scripted(monkeypatch, {0.1: STUCK, 0.05: STUCK, 0.025: STUCK, 0.4: BLOWS})
    rec = probe_recommendation(least_squares, _limited(0.1, 10.0), seed=0)
    assert rec.probe["peaks"] == [0.1, 0.05, 0.025, 0.4] and rec.initial_lr == 0.1
    assert "raised" not in rec.probe
    text = rec.reasons[-1].text
    assert (
        "no lower control (0.05, 0.025) learnt and held, nor any higher peak up to the rules'"
        in text
    )
    assert "(0.4), so the window cannot tell" in text


def test_a_peak_at_its_limit_or_without_one_is_not_raised(monkeypatch, least_squares):
    _scripted(monkeypatch, {0.8: STUCK, 0.4: STUCK, 0.2: STUCK})
    assert probe_recommendation(least_squares, _limited(0.8, 0.8), seed=0).probe["peaks"] == [
        0.8,
        0.4,
        0.2,
    ]
    assert probe_recommendation(least_squares, _rec(0.8), seed=0).probe["peaks"] == [0.8, 0.4, 0.2]


BLOWS = [2.0, 1.2, 30.0, 2.5]  # learnt, then relapsed: back above 0.9x the untrained 2.3


def test_the_climb_stops_below_a_peak_that_already_blew_up(monkeypatch, least_squares):
    # xor_gru_adamw's find seed 0: 0.8 relapsed and was halved; 0.4 and its controls learnt
    # nothing, and the first rung, 1.6, would lie above the peak that relapsed
    _scripted(monkeypatch, {0.8: BLOWS, 0.4: STUCK, 0.2: STUCK, 0.1: STUCK})
    rec = probe_recommendation(least_squares, _limited(0.8, 10.0), seed=0)
    assert rec.probe["peaks"] == [0.8, 0.4, 0.2, 0.1] and rec.initial_lr == 0.4


def _ceiling_rec(lr: float, ceiling: float) -> Recommendation:
    return replace(_rec(lr), ceiling=ceiling)


def test_a_ceiling_that_blows_up_below_the_peak_caps_it(monkeypatch, least_squares):
    # bytecnn_textwrap_sgd's shape: the rules' 1.6 holds in its own probe run, but 1.4,
    # halved from the ceiling 2.8, blew up; the peak is the ceiling's first rung that held
    _scripted(monkeypatch, {2.8: BLOWS, 1.4: BLOWS, 0.7: LEARNS, 1.6: LEARNS})
    rec = probe_recommendation(least_squares, _ceiling_rec(1.6, 2.8), seed=0)
    assert rec.probe["peaks"] == [2.8, 1.4, 0.7] and rec.initial_lr == rec.probe["lr"] == 0.7
    assert rec.probe["ceiling"] == {"from": 2.8, "probes": 3, "lr": 0.7, "proposed": True}
    text = rec.reasons[-1].text
    assert "probed first as a ceiling: it diverged or relapsed at 2.8, 1.4 and held at 0.7" in text
    assert "so the peak is no higher; the first 24 updates" in text
    assert "at peak 0.7 trained without blowing up; the peak is kept." in text


def test_a_ceiling_that_blows_up_at_every_halving_keeps_its_last(monkeypatch, least_squares):
    _scripted(monkeypatch, {1.6: BLOWS, 0.8: BLOWS, 0.4: BLOWS, 0.2: BLOWS})
    rec = probe_recommendation(least_squares, _ceiling_rec(0.3, 1.6), seed=0)
    assert rec.probe["peaks"] == [1.6, 0.8, 0.4, 0.2] and rec.initial_lr == 0.2
    assert rec.probe["ceiling"]["proposed"] and rec.probe["outcomes"][-1] == "relapsed"
    text = rec.reasons[-1].text
    assert "at every halving (1.6, 0.8, 0.4, 0.2), at or below the rules' peak" in text
    assert text.endswith("0.2 is kept (check the data and the optimizer).")


def test_a_ceiling_that_holds_above_the_peak_leaves_it_to_its_own_probe(monkeypatch, least_squares):
    _scripted(monkeypatch, {2.8: BLOWS, 1.4: LEARNS, 0.5: BLOWS, 0.25: LEARNS})
    rec = probe_recommendation(least_squares, _ceiling_rec(0.5, 2.8), seed=0)
    assert rec.probe["peaks"] == [2.8, 1.4, 0.5, 0.25] and rec.initial_lr == 0.25
    assert rec.probe["ceiling"]["lr"] == 1.4 and not rec.probe["ceiling"]["proposed"]
    text = rec.reasons[-1].text
    assert "held at 1.4, above the rules' peak, which was probed in turn" in text
    assert "forgot what they had learnt at peak 0.5" in text and "2.8" not in text.split(";")[1]


def test_a_ceiling_at_or_below_the_peak_is_not_probed(monkeypatch, least_squares):
    _scripted(monkeypatch, {0.5: LEARNS})
    rec = probe_recommendation(least_squares, _ceiling_rec(0.5, 0.5), seed=0)
    assert rec.probe["peaks"] == [0.5] and "ceiling" not in rec.probe


def test_a_spike_that_recovers_within_the_window_still_halves_the_peak(monkeypatch, least_squares):
    # learnt, jumped far above its untrained loss mid-window, and was back under it at the
    # window's end: the peak is halved all the same
    spike = [1.3, 150.0, 3.0, 1.9]
    _scripted(monkeypatch, {0.8: spike, 0.4: LEARNS})
    rec = probe_recommendation(least_squares, _rec(0.8), seed=0)
    assert rec.probe["outcomes"] == ["relapsed", "learnt"]
    assert rec.probe["peaks"] == [0.8, 0.4] and rec.initial_lr == 0.4
    text = rec.reasons[-1].text
    assert "halved" in text and "0.4 trained without blowing up" in text


def test_a_loss_that_wobbles_below_the_relapse_line_is_not_a_relapse():
    from lrtune.recommend.probe import relapsed

    assert not relapsed(initial=2.3, val_losses=[1.5, 1.8, 2.0, 1.2])  # 2.0 < 0.9 x 2.3
    assert relapsed(initial=2.3, val_losses=[1.5, 2.2, 1.2])  # 2.2 > 0.9 x 2.3, then back
    assert not relapsed(initial=2.3, val_losses=[2.3, 2.5, 1.9])  # rose before it had learnt
    assert relapsed(initial=2.3, val_losses=[1.5, float("nan"), 1.2])
