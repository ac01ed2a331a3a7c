"""The stability probe's reason: what its ladders of probe runs found, in words.

Example:
    >>> record = {"window": 24, "lr": 0.05, "peaks": [0.05], "outcomes": ["learnt"]}
    >>> probe_reason(record, fell=0.8).text.endswith("at peak 0.05 trained without blowing up; "
    ...                                             "the peak is kept.")
    True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lrtune.recommend._recommendation import Reason

__all__ = ["SOURCE", "UNSTABLE", "probe_reason"]

#: The outcomes that reject a peak outright (it is halved).
UNSTABLE = ("diverged", "relapsed")
SOURCE = (
    "Smith arXiv 1506.01186 (a rate that trains in the test can still blow up later in the "
    "run); Cohen et al. arXiv 2103.00065 (sharpness rises as training proceeds)"
)


def probe_reason(record: dict[str, Any], *, fell: float) -> Reason:
    """The ``stability-probe`` reason for a probe's ``record`` (see
    :func:`~lrtune.recommend.probe.probe_recommendation`); ``fell`` is the share of the
    untrained validation loss below which a window had learnt."""
    window, lr = record["window"], record["lr"]
    peaks, outcomes = record["peaks"], record["outcomes"]
    ceiling, stopped = record.get("ceiling"), record.get("climb_stopped", False)
    if ceiling is None:
        text = _ladder_text(window, lr, peaks, outcomes, fell, stopped)
        return Reason("stability-probe", text, SOURCE)
    n = ceiling["probes"]
    blew = ", ".join(f"{p:.3g}" for p, o in zip(peaks[:n], outcomes[:n]) if o in UNSTABLE)
    text = (
        f"the peak the divergence LR alone allows, {ceiling['from']:.3g}, was probed first as a "
        "ceiling"
    )
    if outcomes[n - 1] in UNSTABLE:  # every halving blew up: the last is kept, as below
        text += f": it diverged or relapsed at every halving ({blew}), "
    else:
        text += (f": it diverged or relapsed at {blew} and" if blew else ", and") + (
            f" held at {ceiling['lr']:.3g}, "
        )
    lower = "at or below the rules' peak, so the peak is no higher; "
    if not ceiling["proposed"]:
        tail = "above the rules' peak, which was probed in turn; " + _ladder_text(
            window, lr, peaks[n:], outcomes[n:], fell, stopped
        )
    elif outcomes[n - 1] in UNSTABLE:
        tail = lower + f"{lr:.3g} is kept (check the data and the optimizer)."
    else:
        tail = lower + _ladder_text(window, lr, peaks[n - 1 :], outcomes[n - 1 :], fell, stopped)
    return Reason("stability-probe", text + tail, SOURCE)


def _ladder_text(
    window: int,
    lr: float,
    peaks: Sequence[float],
    outcomes: Sequence[str],
    fell: float,
    climb_stopped: bool = False,
) -> str:
    """What one ladder of probes (halvings, then controls, then a climb) found, as a
    sentence; ``climb_stopped``: the climb ended where a rung's loss fell no lower."""
    still = [i for i, o in enumerate(outcomes) if o == "did not learn"]
    halvings = slice(0, still[0] if still else len(peaks))  # the controls come after
    unstable = [p for p, o in zip(peaks[halvings], outcomes[halvings]) if o in UNSTABLE]
    parts = []
    if unstable:
        parts.append(
            f"the first {window} updates of the planned run diverged or forgot what they had "
            f"learnt at peak {', '.join(f'{p:.3g}' for p in unstable)} (the range test reads "
            "its divergence LR from a barely trained model, and the reading varies with the "
            "data order), so the peak was halved"
        )
    if still:
        first, controls = peaks[still[0]], peaks[still[0] + 1 :]
        tried = ", ".join(f"{p:.3g}" for p in controls if p < first)
        higher = [p for p in controls if p > first]
        if lr > first:
            parts.append(
                f"at peak {first:.3g} the validation loss did not learn in {window} updates "
                f"(it never fell below {fell:g}x its untrained value), nor at the lower "
                f"controls {tried}, while at {lr:.3g} ({lr / first:.3g}x, at most the rules' "
                "limit) it learnt and held: the range test's reading was too low for "
                f"this run, so the peak was raised to {lr:.3g}"
            )
        elif lr != first:
            parts.append(
                f"at peak {first:.3g} the validation loss did not learn in {window} updates "
                f"(it never fell below {fell:g}x its untrained value) while at {lr:.3g} it "
                "did: the peak was too high to train (a stall, not a slow start), so it was "
                f"lowered to {lr:.3g}"
            )
        else:
            listed = ", ".join(f"{p:.3g}" for p in higher)
            if not higher:
                climb = ""
            elif climb_stopped:
                climb = (
                    f", nor any higher peak it climbed to ({listed}); at {higher[-1]:.3g} the "
                    "validation loss fell no lower than at the peaks below it, so the climb "
                    "stopped short of the rules' limit"
                )
            else:
                climb = f", nor any higher peak up to the rules' limit ({listed})"
            parts.append(
                f"at peak {first:.3g} the validation loss had not learnt after {window} "
                f"updates (it never fell below {fell:g}x its untrained value), and no lower "
                f"control ({tried}) learnt and held"
                + climb
                + ", so the window cannot tell a stall from a "
                "slow start and the peak is kept; if the validation loss has still not moved "
                "by the middle of the run, the peak is wrong, too high or too low (some models "
                "learn only after a third of a good run: docs/suggestion.md)"
            )
    if not parts:
        text = (
            f"the first {window} updates of the planned run at peak {lr:.3g} trained without "
            "blowing up; the peak is kept."
        )
    else:
        if unstable and not still:
            final = outcomes[-1]
            parts[-1] += (
                f"; {lr:.3g} trained without blowing up"
                if final not in UNSTABLE
                else f"; {lr:.3g} blew up too (kept: check the data and the optimizer)"
            )
        text = "; ".join(parts) + "."
    return text
