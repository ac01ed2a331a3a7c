"""The benchmark's peer view: on how many tasks lrtune beats every peer, and, where it does
not, the best peer and why, read off what was measured.

A method beats a peer on a task when its mean final validation loss (over every find seed
and training seed) is lower. The reason for a loss is the first that applies:

- ``k runs diverged`` / ``k runs stalled``: lrtune's own runs failed;
- ``within 2% of the best peer``: the difference is within the runs' noise;
- ``peak too low`` / ``peak too high``: every find seed's peak lies more than 1.5× below (or
  above) the grid's best cosine peak (cosine or warmup + cosine);
- ``find seeds disagree``: the peaks lie on both sides of that band;
- ``peak within 1.5× of the grid's best``: the peak is close; what is left is the schedule's
  other parameters, the noise or a peer's own schedule.

Example:
    >>> why_lost(peak_ratios=[0.05, 0.1], marks="", margin=1.3)
    "peak too low (0.05–0.1× the grid's best cosine peak)"
    >>> why_lost(peak_ratios=[0.9, 1.1], marks=" ‡2", margin=1.3)
    '2 runs stalled'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from benchmarks.evaluate import MethodScore, TaskReport
from benchmarks.render import fmt

__all__ = ["BAND", "NOISE", "peers_view", "why_lost"]

#: A peak within this factor of the grid's best cosine peak counts as close to it.
BAND = 1.5
#: A loss within this share of the best peer's counts as a tie in the runs' noise.
NOISE = 0.02
#: The shapes whose best cell gives the grid's best cosine peak.
_COSINE = ("cosine", "warmup_cosine")


def why_lost(*, peak_ratios: Sequence[float], marks: str, margin: float) -> str:
    """Why lrtune lost to its best peer: ``peak_ratios`` are its find seeds' peaks over the
    grid's best cosine peak, ``marks`` its runs' († diverged, ‡ stalled) and ``margin`` its
    mean loss over the best peer's."""
    failed = [
        f"{m[1:]} {'run' if m[1:] == '1' else 'runs'} {'diverged' if m[0] == '†' else 'stalled'}"
        for m in marks.split()
    ]
    if failed:
        return ", ".join(failed)
    if margin <= 1 + NOISE:
        return f"within {NOISE:.0%} of the best peer"
    if not peak_ratios:
        return "no peak proposed"
    low, high = min(peak_ratios), max(peak_ratios)
    span = f"{fmt(low, 2)}–{fmt(high, 2)}× the grid's best cosine peak"
    if high < 1 / BAND:
        return f"peak too low ({span})"
    if low > BAND:
        return f"peak too high ({span})"
    if low < 1 / BAND or high > BAND:
        return f"find seeds disagree ({span})"
    return f"peak within {BAND:g}× of the grid's best ({span})"


def peers_view(reports: Sequence[TaskReport]) -> list[str]:
    """The counts for lrtune and ``lrtune --tune``, then one row per task where the rules do
    not beat every peer."""
    ours = ("lrtune", "lrtune --tune")
    measured = [r for r in reports if r.cells]
    wins = {m: [r for r in measured if _beats_every_peer(r, m, ours)] for m in ours}
    lines = [
        f"lrtune's rules beat every peer on **{len(wins['lrtune'])} of {len(measured)} tasks**; "
        f"`lrtune --tune` on {len(wins['lrtune --tune'])}. Where the rules do not:",
        "",
        "| task | lrtune | best peer | its ratio | lrtune's peaks ÷ grid's best cosine peak "
        "| why |",
        "|---|---:|---|---:|---|---|",
    ]
    for r in sorted(measured, key=lambda r: r.bench.name):
        mine = r.score("lrtune")
        if mine is None or r in wins["lrtune"]:
            continue
        peers = [s for s in r.scores if s.method not in ours and math.isfinite(s.val)]
        if not peers:
            continue
        best = min(peers, key=lambda s: s.val)
        ratios = _peak_ratios(r, mine)
        why = why_lost(
            peak_ratios=ratios, marks=r.marks(mine.val_losses), margin=mine.val / best.val
        )
        lines.append(
            f"| {r.bench.name} | {fmt(mine.val / r.reference)} | {best.method} "
            f"| {fmt(best.val / r.reference)} | {', '.join(fmt(x, 2) for x in ratios)} | {why} |"
        )
    return lines


def _beats_every_peer(r: TaskReport, method: str, ours: Sequence[str]) -> bool:
    mine = r.score(method)
    peers = [s for s in r.scores if s.method not in ours]
    return mine is not None and all(mine.val < s.val for s in peers)


def _peak_ratios(r: TaskReport, score: MethodScore) -> list[float]:
    """Each find seed's peak over the grid's best cosine peak (none without one)."""
    cosine = [c for c in r.cells if c.shape in _COSINE]
    if not cosine:
        return []
    best = min(cosine, key=lambda c: c.mean).lr
    return [lr / best for lr in score.peaks]
