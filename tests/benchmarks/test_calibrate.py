"""The calibration table: one reading times one constant, fitted on the design half."""

from __future__ import annotations

import math

import pytest

from benchmarks import calibrate, zoo


def test_proxy_interpolates_in_log_lr_and_scores_a_diverged_cell_as_the_worst():
    column = [(0.01, 2.0), (0.1, 1.0), (1.0, 4.0), (10.0, math.inf)]
    assert calibrate.proxy(column, 0.1) == pytest.approx(1.0)
    assert calibrate.proxy(column, math.sqrt(0.1)) == pytest.approx(2.0)  # halfway, in logs
    assert calibrate.proxy(column, 10.0) == pytest.approx(4.0)  # diverged: the worst finite
    assert calibrate.proxy(column, 1e-5) == pytest.approx(2.0)  # before the grid: its end


def _reading(floor: float) -> dict:
    other = {k: floor for k in calibrate.READINGS}
    return {**other, "optimizer": "AdamW", "floor": floor, "rules": floor / 5}


def test_a_constant_fitted_on_the_design_half_is_scored_on_the_held_out_half():
    # every task's best peak is 4x its floor, and the rules sit 20x below it
    design, held = "charlm_gru", "cancer_mlp_adamw"
    assert not zoo.held_out(design) and zoo.held_out(held)
    floors = {design: 0.01, held: 0.002}
    octaves = [2.0 ** (k / 2) for k in range(-16, 9)]  # a grid through each best peak
    columns = {t: [(4 * f * o, 1.0 + abs(math.log(o))) for o in octaves] for t, f in floors.items()}
    readings = {t: [_reading(f)] * 3 for t, f in floors.items()}
    rows = {r.split(" | ")[1]: r for r in calibrate.table(readings, columns)}
    cells = [c.strip() for c in rows["`floor`"].strip("|").split("|")]
    assert cells[0] == "Adam family" and cells[2] == "1 / 1"
    assert float(cells[3]) == pytest.approx(4.0)  # the constant the design task wants
    assert float(cells[5]) == pytest.approx(1.0, abs=0.01)  # and it holds on the held-out one
    assert float(cells[4]) == pytest.approx(1.0 + math.log(20), rel=0.01)  # the rules' miss
