"""Tests for lrtune.recommend._shared: one setup and one race per study, across processes."""

from __future__ import annotations

import time

import pytest

from lrtune.recommend import _shared
from lrtune.recommend._shared import CLAIM_KEY, RACE_KEY, settle_setup, shared_race


class FakeStudy:
    """The user-attribute surface of an Optuna study, in memory."""

    def __init__(self) -> None:
        self.user_attrs: dict = {}

    def set_user_attr(self, key: str, value) -> None:
        self.user_attrs[key] = value


@pytest.fixture(autouse=True)
def _no_pauses(monkeypatch):
    monkeypatch.setattr(_shared, "SETTLE_S", 0.0)
    monkeypatch.setattr(_shared, "_POLL_S", 0.01)


def test_settle_setup_first_run_stores_and_later_runs_reuse():
    study = FakeStudy()
    assert settle_setup(study, {"lr": 0.044}, shared=True) == {"lr": 0.044}
    assert settle_setup(study, {"lr": 0.0635}, shared=True) == {"lr": 0.044}


def test_shared_race_runs_once_and_is_reused():
    study, runs = FakeStudy(), []

    def race():
        runs.append(1)
        return {"trial": 3, "kept": "winner"}

    first = shared_race(study, race, n_trials=8, shared=True, wait_s=60)
    again = shared_race(study, race, n_trials=8, shared=True, wait_s=60)
    assert runs == [1] and first == again == {"trial": 3, "kept": "winner", "n_trials": 8}
    # a resumed study with more trials to go has not been decided yet: it races again
    shared_race(study, race, n_trials=12, shared=True, wait_s=60)
    assert runs == [1, 1] and study.user_attrs[RACE_KEY]["n_trials"] == 12


def test_shared_race_waits_for_the_process_that_claimed_it(monkeypatch):
    study = FakeStudy()
    study.user_attrs[CLAIM_KEY] = {"by": "other", "at": time.time(), "n_trials": 8, "wait_s": 60}
    polls = []
    stored_race = _shared.stored_race

    def poll(s, n):
        polls.append(1)
        if len(polls) == 3:  # meanwhile, the other process stores its outcome
            study.user_attrs[RACE_KEY] = {"trial": 2, "kept": "proposal", "n_trials": 8}
        return stored_race(s, n)

    def race():
        raise AssertionError("raced although another process was racing")

    monkeypatch.setattr(_shared, "stored_race", poll)
    outcome = shared_race(study, race, n_trials=8, shared=True, wait_s=60)
    assert outcome == {"trial": 2, "kept": "proposal", "n_trials": 8} and len(polls) == 3


def test_shared_race_takes_over_a_stale_claim():
    study = FakeStudy()
    old = time.time() - 120
    study.user_attrs[CLAIM_KEY] = {"by": "dead", "at": old, "n_trials": 8, "wait_s": 60}
    outcome = shared_race(study, lambda: {"kept": "winner"}, n_trials=8, shared=True, wait_s=60)
    assert outcome == {"kept": "winner", "n_trials": 8}
    assert study.user_attrs[CLAIM_KEY]["by"] != "dead"
