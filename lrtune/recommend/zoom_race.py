"""The zoom's race: two readings of one curve, settled by two short runs.

The zoom (:mod:`lrtune._measure`) sweeps a flat-then-cliff curve again at 40 steps per decade
against the first sweep's 12.5, so at each LR its model has trained about 3× longer. Its
divergence LR is a trained model's, but its floor sits lower for that reason alone. On some
curves that lower floor is the right peak: the first sweep's loss fell only just before the
cliff, so its floor sits at the cliff (sinefreq_lstm_adamw, 4× too high). On others it is
3–4× too low (stream_teacher_adagrad). The curves do not say which (docs/suggestion.md).

So where the rules' peak read from the first sweep, with the zoom's divergence LR, differs
from the zoom's peak by more than ``DISAGREE``×, both train the whole proposed schedule
compressed into ``FRACTION`` of the run (:func:`~lrtune.recommend.refine.trial_schedule`),
paired on one data order. The first sweep's peak replaces the zoom's only if its final
validation loss is lower on each of ``ORDERS`` data orders (the next order is run only while
it keeps winning); a tie keeps the zoom's. Near a cliff one order can favour the higher peak
by chance: on sinefreq_lstm_adamw one order put a peak 4.7× the zoom's ahead by 46% and the next
behind by 14%. Compressed into a tenth of the run the race favoured the higher peak where the
full run did not (a short run's bias: Wu et al. arXiv 1803.02021); into a fifth, on two
orders, it ranked the two as the grid's full-length runs did on all ten find seeds where
they differed (docs/suggestion.md).

The same race settles a second ambiguity (``kind="noise"``): a loss that blows up before it
has fallen beyond its batch noise may have met a chance high batch, not its stability limit
(friedman2_mlp_rmsprop: one find seed read a blow-up at 1e-7 in batch losses that spread
0.6–1.7 at a standstill), or a real one (stream_teacher_adagrad). The *patient* reading
(:func:`~lrtune.analysis.analyze_curve`) counts only growth in a row there; its peak replaces
the rules' only if it wins on each data order, as the first sweep's does above.

A run that learnt nothing does not win an order against one that blew up: there the
challenger's final validation loss must also be below ``FELL`` × its model's untrained loss
(the stability probe's test of learning). A run that stayed at its untrained loss has shown
only that it did not blow up, and whether the other peak blows up is the stability probe's
question: it halves a peak while it does. On sinefreq_gru_sgd the noise race put the rules'
0.496 (blew up) against the patient reading's 2.4e-6 (1.0141, untrained 1.0142); the patient
peak won, and every training run stalled. Where the probe halved 0.496 on another find seed,
0.248 trained. Against a kept run that stayed finite, the lower loss still wins: a slow
challenger a little lower than a kept run that also stood still was the better peak on
hastie_tanh_rmsprop and transformer_finetune, though not on recall_gru_adam (candidates (37)
and (38), docs/suggestion.md).

After a zoom that the batch noise triggered (the first sweep's divergence reading sat far below
every blow-up: ``kind="noise-zoom"``), a lead of ``TIE`` (1%) or less is a tie, which keeps the
zoom's peak. The zoom was run to measure that curve again, and two runs that both stood still
rank by chance: on recall_gru_adam both ended at the untrained 2.09, the first sweep's 0.00163
led by 0.4% and won, and every training run at it stalled (the zoom's 0.0328 trained). Leads
that decided such races elsewhere were 5% or more (transformer_finetune, whose slow first
sweep's peak is the right one, 6–13%). A tie on every race, cliff-triggered zooms included,
was rejected: eqpairs_gru_adagrad's zoom there is a cliff's, and its tie went the wrong way
(candidate (42), docs/suggestion.md).

Example:
    >>> disagree(0.03, 0.1), disagree(0.03, 0.04)
    (True, False)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import torch

from lrtune.errors import ConfigError
from lrtune.recommend._recommendation import Reason, Recommendation
from lrtune.recommend.probe import FELL, untrained_loss
from lrtune.recommend.refine import trial_schedule
from lrtune.recommend.refine._race import MARGIN as CONFIRM_MARGIN
from lrtune.state import stream_seed
from lrtune.task import Task
from lrtune.train import train_schedule

__all__ = ["DISAGREE", "FRACTION", "ORDERS", "TIE", "disagree", "race_readings"]

#: Per kind of race: its rule name, the two readings' names (the kept one's first), and why
#: they differ.
_KINDS = {
    "zoom": (
        "zoom-race",
        ("the zoom's", "the first sweep's"),
        "the zoom trains about 3x longer at each LR, so its floor sits lower",
    ),
    "noise-zoom": (
        "zoom-race",
        ("the zoom's", "the first sweep's"),
        "the zoom trains about 3x longer at each LR, so its floor sits lower; the batch noise "
        "had placed the first sweep's divergence reading, which triggered the zoom",
    ),
    "noise": (
        "noise-race",
        ("the rules'", "the patient reading's"),
        "the loss blew up before it had fallen beyond its batch noise, which a chance high "
        "batch can do; the patient reading counts only growth in a row there",
    ),
}

#: The share of the planned run each of the two short runs trains, the whole schedule in it.
FRACTION = 0.2
#: Peaks closer than this factor are not raced: the zoom's stands.
DISAGREE = 1.5
#: Data orders the first sweep's peak must win on, each, to replace the zoom's.
ORDERS = 2
#: After a zoom the noise triggered (``kind="noise-zoom"``), a lead this small (a share of the
#: zoom's loss) is a tie, which keeps the zoom's: the margin of ``--tune``'s confirmation race.
TIE = CONFIRM_MARGIN
SOURCE = (
    "Smith arXiv 1506.01186 (the range test's readings depend on how many steps each LR "
    "gets); Wu et al. arXiv 1803.02021 (short-horizon bias)"
)


def disagree(zoom_lr: float, first_lr: float) -> bool:
    """Whether two peaks differ by more than ``DISAGREE``× (then they are raced)."""
    return max(zoom_lr, first_lr) > DISAGREE * min(zoom_lr, first_lr)


def race_readings(
    task: Task,
    zoomed: Recommendation,
    first: Recommendation,
    *,
    kind: str = "zoom",
    seed: int = 0,
    device: str | torch.device = "cpu",
    progress: Callable[[int, int], None] | None = None,
) -> Recommendation:
    """Race ``zoomed`` (the rules on the zoom's readings) against ``first`` (on the first
    sweep's, with the zoom's divergence LR); return the winner with a ``zoom-race`` reason and
    its record in ``race``: the ``peaks`` raced (the zoom's first), the final validation
    ``losses`` of each data order raced (``[zoom's, first's]``; ``inf`` where a run
    diverged), per order the ``untrained`` validation loss of the model the runs start from
    (the same model, so the same value, for every order), the ``steps`` trained in all, each
    run's ``window`` and the ``lr`` kept. ``first`` wins an order where its loss is lower,
    and, against a run that blew up, below ``FELL`` × the untrained loss.
    ``zoomed`` must carry its run length. ``kind="noise"``: ``zoomed`` is the rules' reading
    and ``first`` the patient one. Data orders are ``seed`` and its later streams
    (:func:`~lrtune.state.stream_seed`: the range-test repeats' orders);
    ``progress(done, total)`` is called after every epoch of each run.
    """
    if zoomed.steps_per_epoch is None or zoomed.epochs is None:
        raise ValueError("race_readings: the recommendation has no run length.")
    spe, epochs = zoomed.steps_per_epoch, zoomed.epochs
    window = max(1, round(FRACTION * spe * epochs))
    try:
        shorts = [
            trial_schedule(rec.schedule, steps_per_epoch=spe, factor=FRACTION)
            for rec in (zoomed, first)
        ]
    except ConfigError:  # too few steps for the schedule's shape: the zoom's stands
        return zoomed
    per_run = math.ceil(window / spe)
    total = 2 * ORDERS * per_run
    margin = TIE if kind == "noise-zoom" else 0.0
    record: dict[str, Any] = {
        "kind": kind,
        "peaks": [zoomed.initial_lr, first.initial_lr],
        "losses": [],
        "untrained": [],
    }
    steps = 0
    untrained = untrained_loss(task, device)  # every order's runs start from the same model
    for order in range(ORDERS):
        record["untrained"].append(untrained)
        pair = []
        for short in shorts:
            done = (2 * order + len(pair)) * per_run
            report = (lambda e, _v, d=done: progress(d + e + 1, total)) if progress else None
            result = train_schedule(
                task,
                short,
                epochs=epochs,
                seed=stream_seed(seed, order),
                device=device,
                max_steps=window,
                report=report,
            )
            steps += result.steps
            finite = not result.diverged and math.isfinite(result.val_loss)
            pair.append(result.val_loss if finite else math.inf)
        record["losses"].append(pair)
        if not _won(pair, record["untrained"][-1], margin):  # the zoom's held: it stands
            break
    if progress is not None:  # an early stop is still a finished race
        progress(total, total)
    won = all(_won(pair, u, margin) for pair, u in zip(record["losses"], record["untrained"]))
    winner = first if won and len(record["losses"]) == ORDERS else zoomed
    record.update(steps=steps, window=window, lr=winner.initial_lr)
    if margin:
        record["margin"] = margin
    return replace(winner, reasons=(*winner.reasons, _reason(record)), race=record)


def _won(pair: list[float], untrained: float, margin: float = 0.0) -> bool:
    """Whether the challenger (``pair[1]``) beat the kept reading: a loss lower by more than
    ``margin`` of the kept one, and one that learnt where the kept run blew up (``inf``)."""
    kept, challenger = pair
    lower = challenger < kept * (1 - margin)  # a kept run that blew up (inf) stays inf
    return lower and not _stood_still_against_blow_up(pair, untrained)


def _stood_still_against_blow_up(pair: list[float], untrained: float) -> bool:
    """The kept run blew up (``inf``) and the challenger's loss stayed at or above ``FELL`` ×
    its model's untrained loss: it learnt nothing, so it cannot win that order."""
    kept, challenger = pair
    return math.isinf(kept) and challenger >= FELL * untrained


def _reason(record: dict[str, Any]) -> Reason:
    rule, (kept_name, other_name), why = _KINDS[record["kind"]]
    zoom_lr, first_lr = record["peaks"]
    losses = "; ".join(
        f"{z:.4g} at {zoom_lr:.3g}, {f:.4g} at {first_lr:.3g}" for z, f in record["losses"]
    )
    kept = other_name if record["lr"] == first_lr and first_lr != zoom_lr else kept_name
    untrained_where_unlearnt = [
        u
        for pair, u in zip(record["losses"], record["untrained"])
        if _stood_still_against_blow_up(pair, u)
    ]
    unlearnt = (
        f"; {other_name} run stayed above {FELL:g}x its untrained validation loss "
        f"({untrained_where_unlearnt[0]:.4g}), so it learnt nothing and cannot win against a "
        f"blow-up: the stability probe decides whether {zoom_lr:.3g} blows up"
        if untrained_where_unlearnt
        else ""
    )
    margin = record.get("margin", 0.0)
    tie = f" by more than {margin:.0%} (closer is a tie, which keeps {kept_name})" if margin else ""
    return Reason(
        rule,
        f"{kept_name} readings gave peak {zoom_lr:.3g} and {other_name} {first_lr:.3g} "
        f"({why}); the whole schedule compressed into {record['window']} updates reached "
        f"validation losses of {losses} (one pair per data order; {other_name} must win "
        f"every one of {ORDERS}{tie}, and learn where the other blew up){unlearnt}, so {kept} "
        "peak is kept.",
        SOURCE,
    )
