"""What the runs of one Optuna study share, kept in the study's user attributes.

The first run to open a study stores its *setup* (the proposal, the search space and the
trial length, :data:`SETUP_KEY`); a resumed run and every other process sharing the study use
the stored one, so trial 0 and the confirmation race compare the same proposal everywhere.

The confirmation race runs once per study: one process claims it (:data:`CLAIM_KEY`), races
and stores the outcome (:data:`RACE_KEY`); the others wait for that outcome and reuse it. A
claim whose process stopped (no outcome after its expected duration) is taken over. Optuna has
no compare-and-set on user attributes: two processes that claim within the same fraction of a
second settle on the claim written last, read back after :data:`SETTLE_S` seconds.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["SETUP_KEY", "RACE_KEY", "CLAIM_KEY", "settle_setup", "shared_race", "race_wait"]

SETUP_KEY = "lrtune:setup"
RACE_KEY = "lrtune:race"
CLAIM_KEY = "lrtune:race-claim"
#: Seconds between writing a shared value and reading back the one that stands.
SETTLE_S = 0.5
_POLL_S = 0.5


def settle_setup(study: Any, mine: dict[str, Any], *, shared: bool) -> dict[str, Any]:
    """The study's setup: the stored one, else ``mine``, stored (and read back when ``shared``)."""
    stored = study.user_attrs.get(SETUP_KEY)
    if stored is not None:
        return dict(stored)
    study.set_user_attr(SETUP_KEY, mine)
    if not shared:
        return mine
    time.sleep(SETTLE_S)  # another process may have stored its own meanwhile: the last stands
    return dict(study.user_attrs[SETUP_KEY])


def stored_race(study: Any, n_trials: int) -> dict[str, Any] | None:
    """The race outcome stored for a study of at least ``n_trials`` finished trials, if any."""
    outcome = study.user_attrs.get(RACE_KEY)
    if outcome is None or outcome.get("n_trials", 0) < n_trials:
        return None
    return dict(outcome)


def shared_race(
    study: Any,
    race: Callable[[], dict[str, Any]],
    *,
    n_trials: int,
    shared: bool,
    wait_s: float,
) -> dict[str, Any]:
    """The study's race outcome: stored, awaited from the process racing, or ``race()`` here.

    ``wait_s`` is how long this process's race may take (a claim older than that whose
    outcome never came is taken over). The outcome is stored with ``n_trials``.
    """
    outcome = stored_race(study, n_trials)
    if outcome is not None:
        return outcome
    if shared:
        claim = study.user_attrs.get(CLAIM_KEY)
        token = None
        if claim is None or _stale(claim, n_trials):
            token = uuid.uuid4().hex
            study.set_user_attr(
                CLAIM_KEY, {"by": token, "at": time.time(), "n_trials": n_trials, "wait_s": wait_s}
            )
            time.sleep(SETTLE_S)
            claim = study.user_attrs[CLAIM_KEY]
        if claim["by"] != token:
            while not _stale(claim, n_trials):
                outcome = stored_race(study, n_trials)
                if outcome is not None:
                    return outcome
                time.sleep(_POLL_S)
    outcome = {**race(), "n_trials": n_trials}
    study.set_user_attr(RACE_KEY, outcome)
    return outcome


def _stale(claim: dict[str, Any], n_trials: int) -> bool:
    """A claim for fewer trials, or whose process should have finished by now."""
    return claim.get("n_trials", 0) < n_trials or time.time() > claim["at"] + claim["wait_s"]


def race_wait(trials: list[Any], n: int = 2) -> float:
    """Seconds to wait for another process's race, ``n`` trials' worth of training: three
    times that at the finished trials' median duration, plus a minute."""
    durations = [
        (t.datetime_complete - t.datetime_start).total_seconds()
        for t in trials
        if t.datetime_complete is not None and t.datetime_start is not None
    ]
    typical = statistics.median(durations) if durations else 60.0
    return 3 * n * typical + 60.0
