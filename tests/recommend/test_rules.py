"""Scenario table for the rules: what a careful engineer would pick, and why."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lrtune.errors import UnknownSchedulerError
from lrtune.recommend import Context, recommend

SCENARIOS = {
    # GraphCast: ~54k samples, batch 32, 300k iterations (~178 epochs), AdamW beta2=0.95.
    "graphcast": (
        dict(
            optimizer="AdamW",
            momentum=0.9,
            beta2=0.95,
            n_samples=54_000,
            batch_size=32,
            steps_per_epoch=1_688,
            epochs=178,
        ),
        dict(scheduler="cosine", basis="iteration", warmup=(800, 1_200), eta_min_ratio=0.1),
    ),
    # A small dataset trained for 30 epochs with step decay: the LR never changes mid-epoch.
    "small-step-decay": (
        dict(
            optimizer="SGD",
            momentum=0.9,
            n_samples=1_437,
            batch_size=64,
            steps_per_epoch=23,
            epochs=30,
            scheduler="step",
        ),
        dict(scheduler="step", basis="epoch", warmup=(0, 0)),
    ),
    # Small data, SGD, 30 epochs, the sweep never blew up: cosine per epoch, floor 1/100.
    "small-sgd-cosine": (
        dict(
            optimizer="SGD",
            momentum=0.9,
            n_samples=1_437,
            batch_size=64,
            steps_per_epoch=23,
            epochs=30,
            diverge_lr=None,
        ),
        dict(scheduler="cosine", basis="epoch", warmup=(0, 0), eta_min_ratio=0.01),
    ),
    # SGD with a divergence LR: cosine from that LR / 2.5 after a 5% warmup (12 of 230 updates,
    # shorter than an epoch, hence the iteration basis).
    "sgd-clear-divergence": (
        dict(
            optimizer="SGD",
            momentum=0.9,
            n_samples=1_437,
            batch_size=64,
            steps_per_epoch=23,
            epochs=10,
            diverge_method="growth-rate",
        ),
        dict(
            scheduler="cosine",
            basis="iteration",
            warmup=(12, 12),
            initial_lr=0.08 / 2.5,
            eta_min_ratio=0.01,
        ),
    ),
    # SGD with a divergence LR over 30 epochs: the 5% warmup (34 updates) is 1 epoch.
    "sgd-divergence-30-epochs": (
        dict(
            optimizer="SGD",
            momentum=0.9,
            n_samples=1_437,
            batch_size=64,
            steps_per_epoch=23,
            epochs=30,
        ),
        dict(scheduler="cosine", basis="epoch", warmup=(1, 1), initial_lr=0.08 / 2.5),
    ),
    # Adam on few epochs: warmup of 2/(1-beta2) capped at 10% of the run, iteration basis.
    "adam-few-epochs": (
        dict(
            optimizer="AdamW",
            momentum=0.9,
            beta2=0.999,
            n_samples=3_000,
            batch_size=32,
            steps_per_epoch=94,
            epochs=4,
        ),
        dict(scheduler="cosine", basis="iteration", warmup=(37, 37)),
    ),
    # Warmup-stable-decay asked for on small data: its cooldown is the last 20% of the run
    # only (8 of 40 epochs), so it is planned in updates rather than whole epochs.
    "wsd-asked-small-data": (
        dict(
            optimizer="Adam",
            beta2=0.999,
            n_samples=1_437,
            batch_size=64,
            steps_per_epoch=23,
            epochs=40,
            scheduler="wsd",
        ),
        dict(scheduler="wsd", basis="iteration", warmup=(92, 92), eta_min_ratio=0.01),
    ),
    # RMSprop (no beta2) on the same data: cosine with a floor, per epoch.
    "rmsprop": (
        dict(
            optimizer="RMSprop",
            n_samples=1_437,
            batch_size=64,
            steps_per_epoch=23,
            epochs=40,
        ),
        dict(scheduler="cosine", basis="epoch", warmup=(0, 0), eta_min_ratio=0.01),
    ),
    # Large-batch SGD, no divergence LR: cosine after a gradual warmup (Goyal et al.).
    "large-batch-sgd": (
        dict(
            optimizer="SGD",
            momentum=0.9,
            n_samples=1_281_167,
            batch_size=1_024,
            steps_per_epoch=1_252,
            epochs=90,
            diverge_lr=None,
        ),
        dict(scheduler="cosine", basis="iteration", warmup=(6_260, 6_260)),
    ),
    # Full-batch gradient descent (one batch per epoch): no noise to anneal, so a constant
    # LR just under the stability limit.
    "full-batch-gd": (
        dict(
            optimizer="SGD",
            momentum=0.0,
            n_samples=512,
            batch_size=512,
            steps_per_epoch=1,
            epochs=100,
            diverge_method="growth-rate",
        ),
        dict(scheduler="constant", basis="epoch", warmup=(0, 0), initial_lr=0.08 / 1.1),
    ),
    # Full batch with Adam: not plain gradient descent, so the usual cosine.
    "full-batch-adam": (
        dict(
            optimizer="Adam",
            beta2=0.999,
            n_samples=512,
            batch_size=512,
            steps_per_epoch=1,
            epochs=100,
        ),
        dict(scheduler="cosine", basis="epoch", warmup=(10, 10)),
    ),
    # Unknown training length: warmup-stable-decay.
    "unknown-length": (
        dict(
            optimizer="AdamW",
            beta2=0.999,
            n_samples=10_000,
            batch_size=100,
            steps_per_epoch=100,
            epochs=None,
        ),
        dict(scheduler="wsd", basis="iteration"),
    ),
    # 1cycle asked for: iteration basis, no separate warmup, max_lr up to 2x the suggestion.
    "onecycle": (
        dict(
            optimizer="SGD",
            momentum=0.9,
            n_samples=1_437,
            batch_size=64,
            steps_per_epoch=23,
            epochs=30,
            scheduler="onecycle",
        ),
        dict(scheduler="onecycle", basis="iteration", warmup=(0, 0), initial_lr=0.08 / 2),
    ),
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_recommend_scenario(name):
    given, expected = SCENARIOS[name]
    rec = recommend(Context(**{"suggested_lr": 0.01, "diverge_lr": 0.08, **given}))
    assert rec.scheduler == expected["scheduler"]
    assert rec.basis == expected["basis"]
    if "warmup" in expected:
        low, high = expected["warmup"]
        assert low <= rec.warmup <= high, rec.warmup
    if "eta_min_ratio" in expected:
        assert rec.eta_min_ratio == expected["eta_min_ratio"]
    assert rec.initial_lr == pytest.approx(expected.get("initial_lr", 0.01))
    assert {r.rule for r in rec.reasons} >= {"scheduler-type", "peak-lr", "basis"}
    assert all(r.source for r in rec.reasons)


def test_recommend_graphcast_schedule_spans_the_whole_run():
    given, _ = SCENARIOS["graphcast"]
    rec = recommend(Context(suggested_lr=1e-3, diverge_lr=1e-2, **given))
    total = 178 * 1_688
    assert rec.decay_period == total - rec.warmup
    assert rec.schedule.lr_at(rec.warmup) == pytest.approx(1e-3)
    assert rec.schedule.lr_at(total) == pytest.approx(1e-4)


def test_recommend_epoch_basis_periods_are_epochs():
    given, _ = SCENARIOS["small-sgd-cosine"]
    rec = recommend(Context(suggested_lr=0.05, **given))
    assert rec.decay_period == 30
    lrs = rec.schedule.lrs_per_iteration(23, 30 * 23)
    assert len(set(lrs[:23])) == 1  # constant within the first epoch


def test_recommend_unknown_scheduler_lists_valid_names():
    with pytest.raises(UnknownSchedulerError, match="cosine"):
        recommend(Context(suggested_lr=0.01, scheduler="cosinus", steps_per_epoch=10, epochs=3))


def test_recommend_reason_cites_the_branch_that_fired():
    given, _ = SCENARIOS["graphcast"]
    rec = recommend(Context(suggested_lr=1e-3, diverge_lr=1e-2, **given))
    sources = {r.rule: r.source for r in rec.reasons}
    assert "OneTrainer" in sources["scheduler-type"] and "1cycle" not in sources["scheduler-type"]
    assert "1910.04209" in sources["warmup"]


@pytest.mark.parametrize(
    ("floor_lr", "diverge_lr", "expected", "why"),
    [
        (0.05, 0.14, 0.05, "the LR where the loss reaches its floor"),
        (0.05, 0.02, 0.01, "half the divergence LR"),
        (0.008, 0.14, 0.01, "the range test's suggestion"),  # the floor below the suggestion
        # the loss never turned up: its "floor" is the sweep's last LR, not a floor
        (8.3, None, 0.01, "the range test's suggestion"),
    ],
)
def test_peak_lr_is_the_floor_capped_by_the_divergence_lr(floor_lr, diverge_lr, expected, why):
    given, _ = SCENARIOS["adam-few-epochs"]
    ctx = Context(
        suggested_lr=0.01,
        min_loss_lr=floor_lr * 2,
        floor_lr=floor_lr,
        diverge_lr=diverge_lr,
        **given,
    )
    rec = recommend(ctx)
    assert rec.scheduler == "cosine" and rec.initial_lr == pytest.approx(expected)
    peak = next(r for r in rec.reasons if r.rule == "peak-lr")
    assert why in peak.text and "1506.01186" in peak.source


@pytest.mark.parametrize(
    ("diverge_lr", "blowup_lr", "limit"),
    [
        (0.02, None, 0.01),  # no run blew up: half the divergence LR
        (0.02, 0.5, 0.25),  # the growth-rate reading far below the blow-up: half the blow-up
        (0.02, 0.01, 0.01),  # a blow-up below the reading does not lower the limit
        (None, 0.5, None),  # no divergence LR, no cap: nothing to raise up to
    ],
)
def test_the_floor_rule_leaves_the_probe_a_limit_from_the_blow_up(diverge_lr, blowup_lr, limit):
    given, _ = SCENARIOS["adam-few-epochs"]
    ctx = Context(suggested_lr=0.001, floor_lr=0.002, diverge_lr=diverge_lr, blowup_lr=blowup_lr)
    rec = recommend(replace(ctx, **given))
    peak = 0.002 if diverge_lr else 0.001  # the floor counts only below a divergence LR
    assert rec.initial_lr == pytest.approx(peak)  # the peak's own cap is as before
    assert rec.limit == (None if limit is None else pytest.approx(limit))


@pytest.mark.parametrize(
    ("rebound_lr", "expected", "ceiling", "why"),
    [
        (None, 0.4, None, "the divergence LR / 2.5"),
        (0.25, 0.1, 0.4, "the LR where the range test's loss rose back (0.25"),
        (2.0, 0.4, None, "the divergence LR / 2.5"),  # a rebound above the blow-up: no change
    ],
)
def test_sgd_peak_is_below_the_lower_of_the_blow_up_and_the_rebound(
    rebound_lr, expected, ceiling, why
):
    given, _ = SCENARIOS["sgd-clear-divergence"]
    rec = recommend(Context(suggested_lr=0.05, diverge_lr=1.0, rebound_lr=rebound_lr, **given))
    assert rec.scheduler == "cosine" and rec.initial_lr == pytest.approx(expected)
    assert rec.ceiling == (None if ceiling is None else pytest.approx(ceiling))
    assert rec.to_dict()["ceiling"] == rec.ceiling
    tries = "The stability probe tries 0.4, the divergence LR / 2.5, first"
    assert (tries in peak_text(rec)) == (ceiling is not None)
    assert why in peak_text(rec) and peak_text(rec).endswith(".")
    warmup = next(r for r in rec.reasons if r.rule == "warmup")
    assert "near the largest LR that trains" in warmup.text


def peak_text(rec) -> str:
    return next(r for r in rec.reasons if r.rule == "peak-lr").text


def test_full_batch_gd_cites_its_sources():
    given, _ = SCENARIOS["full-batch-gd"]
    rec = recommend(Context(suggested_lr=0.01, diverge_lr=0.16, **given))
    sources = {r.rule: r.source for r in rec.reasons}
    assert "1606.04838" in sources["scheduler-type"] and "Polyak" in sources["peak-lr"]
    assert rec.schedule.lr_at(99) == pytest.approx(0.16 / 1.1)  # no decay


def test_many_passes_over_small_data_adds_an_overfitting_caution():
    small = Context(
        suggested_lr=1e-3,
        optimizer="Adam",
        beta2=0.999,
        n_samples=352,
        batch_size=32,
        steps_per_epoch=11,
        epochs=40,
    )
    rec = recommend(small)
    caution = next(r for r in rec.reasons if r.rule == "overfit-risk")
    assert "40 passes over 352 samples" in caution.text and "horizon check" in caution.text
    assert rec.initial_lr == 1e-3  # a caution changes nothing
    given, _ = SCENARIOS["graphcast"]  # 178 passes, but over 54k samples
    assert "overfit-risk" not in {
        r.rule for r in recommend(Context(suggested_lr=1e-3, **given)).reasons
    }


@pytest.mark.parametrize(
    ("optimizer", "beta2", "caution"),
    [
        ("Adagrad", None, "for Adagrad the peak rule holds on some tasks and not on others"),
        ("RMSprop", None, "two needed peaks 8-15x higher"),
        ("Lion", None, "lrtune's benchmark has no task for Lion"),
        ("SGD", None, None),
        ("AdamW", 0.999, None),
    ],
)
def test_peak_caution_names_the_families_the_rule_is_least_sure_of(optimizer, beta2, caution):
    ctx = Context(
        suggested_lr=0.01,
        diverge_lr=0.1,
        optimizer=optimizer,
        beta2=beta2,
        epochs=10,
        steps_per_epoch=50,
    )
    rec = recommend(ctx)
    found = [r for r in rec.reasons if r.rule == "peak-caution"]
    if caution is None:
        assert not found
    else:
        assert len(found) == 1 and caution in found[0].text
        assert rec.initial_lr == recommend(replace(ctx, optimizer="Adam")).initial_lr


@pytest.mark.parametrize(
    ("blowup_lr", "limit"),
    [
        (None, None),  # no run blew up: SGD's peak is not raised (its reading may be noise)
        (2.6, 1.3),  # half the LR where the range test's runs blew up (candidate (57b))
    ],
)
def test_sgd_leaves_the_probe_a_limit_only_from_a_blow_up(blowup_lr, limit):
    given, _ = SCENARIOS["sgd-clear-divergence"]
    rec = recommend(Context(suggested_lr=0.05, diverge_lr=1.0, blowup_lr=blowup_lr, **given))
    assert rec.initial_lr == pytest.approx(0.4)  # the peak itself is as before
    assert rec.limit == (None if limit is None else pytest.approx(limit))
