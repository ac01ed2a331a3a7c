"""The zoom: a flat-then-cliff curve is measured again over a narrow range, and read there."""

from __future__ import annotations

import json

import pytest

from lrtune._readings import analyse_runs, first_sweep_readings, patient_readings, read_runs
from lrtune._second_sweep import ZOOM_ABOVE, ZOOM_BELOW, read_in_noise, zoom_anchor, zoom_trigger
from lrtune.api import FindConfig, find, load_result

from .conftest import ROOT, SITUATION_REPEATS

DIGITS = ROOT / "benchmarks" / "tasks" / "digits_cnn" / "model.py"  # its curves zoom
REPEATS = SITUATION_REPEATS


@pytest.fixture(scope="module")
def zoomed():
    return find(DIGITS, config=FindConfig.create(seed=0, device="cpu", repeats=REPEATS))


def test_a_flat_then_cliff_curve_is_swept_again_narrowly_and_read_there(zoomed):
    stages = [run.stage for run in zoomed.runs]
    assert stages == ["sweep"] * 3 + ["zoom"] * 3
    first = analyse_runs(zoomed.runs[:3], momentum=0.9)
    assert first.flat_then_cliff  # half the fall within a few steps of the blow-up
    sweep = zoomed.runs[3].sweep
    assert sweep["start_lr"] == pytest.approx(first.diverge_lr / ZOOM_BELOW)
    assert sweep["end_lr"] == pytest.approx(first.diverge_lr * ZOOM_ABOVE)
    assert read_runs(zoomed.runs) == zoomed.runs[3:]
    assert zoomed.analysis == analyse_runs(zoomed.runs[3:], momentum=0.9)
    assert not zoomed.analysis.flat_then_cliff  # resolved: many steps between fall and cliff
    reasons = {r.rule: r.text for r in zoomed.recommendation.reasons}
    assert "second sweep" in reasons["zoom"] and "flat, then a cliff" in reasons["zoom"]
    assert reasons["repeats"].startswith("3 range tests")  # the zoom's three, not six


def test_the_first_sweeps_readings_carry_the_zooms_divergence_and_sgd_never_races(zoomed):
    zoom = analyse_runs(zoomed.runs[3:], momentum=0.9)
    assert zoomed.analysis == zoom  # what find reads after a zoom, and passes on
    first = first_sweep_readings(zoomed.runs, zoomed.analysis, momentum=0.9)
    sweep = analyse_runs(zoomed.runs[:3], momentum=0.9)
    assert first.diverge_lr == zoom.diverge_lr and first.floor_lr == sweep.floor_lr
    assert zoom.floor_lr < sweep.floor_lr  # the zoom trained ~3x longer at each LR
    assert first_sweep_readings(zoomed.runs[:3], sweep, momentum=0.9) is None  # no zoom
    # SGD's peak reads the divergence LR alone: both readings give one peak, so no race
    assert zoomed.recommendation.race is None
    assert "zoom-race" not in {r.rule for r in zoomed.recommendation.reasons}


def test_the_zoom_survives_result_json(zoomed, tmp_path):
    loaded = load_result(zoomed.save(tmp_path / "result.json"))
    assert [run.stage for run in loaded.runs] == [run.stage for run in zoomed.runs]
    assert loaded.analysis.diverge_lr == zoomed.analysis.diverge_lr
    assert loaded.analysis.floor_lr == zoomed.analysis.floor_lr


def test_zoom_off_reads_the_first_sweep():
    result = find(
        DIGITS, config=FindConfig.create(seed=0, device="cpu", zoom=False, repeats=REPEATS)
    )
    assert [run.stage for run in result.runs] == ["sweep"] * 3
    assert result.analysis.flat_then_cliff
    assert "zoom" not in {r.rule for r in result.recommendation.reasons}


def test_cli_no_zoom_reads_the_first_sweep(tmp_path):
    from .test_cli import _lrtune

    out = tmp_path / "result.json"
    run = _lrtune(
        "find",
        str(DIGITS),
        "--no-zoom",
        "--repeats",
        str(REPEATS),
        "--json",
        str(out),
        "--out",
        str(tmp_path),
    )
    assert run.returncode == 0, run.stderr
    stages = [r["stage"] for r in json.loads(out.read_text())["range_test"]]
    assert stages == ["sweep"] * 3


def _recorded(name: str) -> tuple:
    """Recorded first-sweep repeats (tests/data), as range-test results."""
    from lrtune.rangetest import RangeTestResult

    data = json.loads((ROOT / "tests" / "data" / name).read_text())
    return tuple(
        RangeTestResult(
            lrs=tuple(data["lrs"][: len(losses)]),
            losses=tuple(losses),
            stop_reason="diverged",
            num_iter=len(data["lrs"]),
            seconds=0.0,
        )
        for losses in data["losses"]
    )


def test_the_patient_reading_of_a_chance_blow_up_in_the_batch_noise():
    """friedman2_mlp_rmsprop, find seed 2: batch losses spread 0.6-1.7 at a standstill, and
    the median of the three repeats reads a blow-up at 7e-6 (which then placed the zoom);
    each repeat alone, and the patient reading of the three, blow up near 3e-3."""
    runs = _recorded("friedman2_seed2_sweeps.json")
    plain = analyse_runs(runs, momentum=0.0)
    assert plain.diverge_lr < 1e-5 and plain.flat_then_cliff
    patient = patient_readings(runs, momentum=0.0)
    assert patient is not None and 2e-3 < patient.diverge_lr < 4e-3


def test_the_patient_reading_passes_a_single_chance_jump_before_any_learning():
    """friedman3_gelu_adam, find seed 0: batch losses spread 0.4-1.6 at a standstill, and
    a chance high batch over a chance low one is a 4x jump: the plain reading blows up near
    5e-6, the patient one runs on to the real blow-up near 0.1."""
    runs = _recorded("friedman3_gelu_seed0_sweeps.json")
    assert analyse_runs(runs, momentum=0.9).diverge_lr < 1e-5
    patient = patient_readings(runs, momentum=0.9)
    assert patient is not None and 0.05 < patient.diverge_lr < 0.2


def test_a_divergence_reading_far_below_every_blow_up_does_not_place_the_zoom():
    """lnmlp_regression_rmsprop, find seed 10: its noisy first sweep read a divergence at
    1.0e-5 while every repeat blew up at 0.066 or above; the zoom centres on the blow-up."""
    task = ROOT / "benchmarks" / "tasks" / "lnmlp_regression_rmsprop" / "model.py"
    result = find(
        task, config=FindConfig.create(seed=10, device="cpu", probe=False, check=0, repeats=REPEATS)
    )
    first = tuple(run for run in result.runs if run.stage != "zoom")
    stops = [run.lrs[-1] for run in first if run.stop_reason == "diverged"]
    reading = analyse_runs(first, momentum=0.0).diverge_lr
    assert reading * ZOOM_BELOW < min(stops)  # the reading sits in the noise
    zoom = next(run for run in result.runs if run.stage == "zoom")
    assert zoom.sweep["end_lr"] == pytest.approx(min(stops) * ZOOM_ABOVE)
    assert zoom_anchor(reading, first) == min(stops)
    assert result.recommendation.initial_lr > 1e-5  # not the noise's 3e-8
    reasons = {r.rule: r.text for r in result.recommendation.reasons}
    assert (
        f"more than {ZOOM_BELOW:g}x below {min(stops):.3g}, the lowest LR at which a repeat "
        "blew up" in reasons["zoom"]
    )


def test_a_divergence_reading_in_the_noise_is_zoomed_even_without_a_cliff():
    """tokencount_lstm_nadam, find seed 0 (NAdam, batches of 8): batch losses jump between
    0.2 and 2.9 at one LR, and a chance high batch read a divergence at 2.3e-5 while every
    repeat blew up at 0.6 or above. The curve is not flat-then-cliff, yet its sweep did not
    resolve where training works: it is zoomed at the blow-up, and the peak is not 1.2e-5."""
    task = ROOT / "benchmarks" / "tasks" / "tokencount_lstm_nadam" / "model.py"
    result = find(
        task, config=FindConfig.create(seed=0, device="cpu", probe=False, check=0, repeats=REPEATS)
    )
    first = tuple(run for run in result.runs if run.stage == "sweep")
    plain = analyse_runs(first, momentum=0.0)
    assert not plain.flat_then_cliff and not plain.flat
    assert read_in_noise(plain.diverge_lr, first)
    assert zoom_trigger(plain, first) == "noise"  # which the zoom's reason says
    stops = [run.lrs[-1] for run in first if run.stop_reason == "diverged"]
    zoom = [run for run in result.runs if run.stage == "zoom"]
    assert len(zoom) == 3 and zoom[0].sweep["end_lr"] == pytest.approx(min(stops) * ZOOM_ABOVE)
    assert 3e-3 < result.recommendation.initial_lr < 0.05  # the grid's best: 0.01-0.02
