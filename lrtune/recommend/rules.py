"""Explainable rules: from the curve and the dataset's statistics to a full schedule.

Each rule is a small object with a ``name``, a ``source`` and one method, ``apply``,
that reads the :class:`Context` and returns the fields it decides plus a one-sentence
reason. :func:`recommend` runs them in order and lists every rule that fired.

Example:
    >>> from lrtune.recommend.rules import Context, recommend
    >>> ctx = Context(suggested_lr=0.01, diverge_lr=0.1, optimizer="AdamW", beta2=0.999,
    ...               n_samples=54_000, batch_size=32, steps_per_epoch=1_690, epochs=178)
    >>> rec = recommend(ctx)
    >>> rec.scheduler, rec.basis, rec.warmup
    ('cosine', 'iteration', 2000)
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, ClassVar

from lrtune.errors import ConfigError
from lrtune.recommend._context import ACCUMULATOR_FAMILY, ADAM_FAMILY, Context, Fired, Rule
from lrtune.recommend._recommendation import Reason, Recommendation
from lrtune.recommend.cautions import OverfitRiskRule, PeakCautionRule
from lrtune.recommend.peak import PeakLrRule, sgd_cosine_near_divergence
from lrtune.schedules import get_schedule, schedule_params, spec_for_run

__all__ = [
    "ACCUMULATOR_FAMILY",
    "ADAM_FAMILY",
    "RULES",
    "Context",
    "Fired",
    "OverfitRiskRule",
    "PeakCautionRule",
    "PeakLrRule",
    "Rule",
    "recommend",
]

#: The run length assumed when neither model.py nor --epochs gives one.
DEFAULT_EPOCHS = 10

#: Types the refinement search may switch between (each fits any planned run).
SEARCHABLE = ("cosine", "onecycle", "linear", "wsd")


class SchedulerTypeRule(Rule):
    name = "scheduler-type"
    source = (
        "Smith arXiv 1708.07120, 1803.09820 (1cycle for SGD); OneTrainer note (cosine with "
        "a floor); arXiv 2404.06395 (WSD when the length is unknown); Bottou, Curtis & "
        "Nocedal arXiv 1606.04838 (constant steps for full-batch gradients)"
    )

    def apply(self, ctx: Context) -> Fired:
        if ctx.scheduler is not None:
            get_schedule(ctx.scheduler)  # unknown names list the valid ones
            return (
                {"scheduler": ctx.scheduler},
                f"{ctx.scheduler}: asked for by the user.",
                "the user's choice",
            )
        if ctx.epochs is None:
            return (
                {"scheduler": "wsd"},
                "warmup-stable-decay: the training length is unknown (planned here as "
                f"{DEFAULT_EPOCHS} epochs; set epochs in model.py or --epochs), so hold the "
                "LR and cool down over the last 20% once the length is decided.",
                "arXiv 2404.06395, 2405.18392 (warmup-stable-decay)",
            )
        if ctx.deterministic_gd:
            return (
                {"scheduler": "constant"},
                "constant: full-batch gradient descent (one batch per epoch) has no gradient "
                "noise to anneal, so a fixed LR converges fastest and decay only slows it.",
                "Bottou, Curtis & Nocedal arXiv 1606.04838 (fixed steps suffice without "
                "gradient noise)",
            )
        if ctx.is_sgd and ctx.diverge_lr is not None:
            return (
                {"scheduler": "cosine"},
                "cosine annealing after a short warmup: SGD with a divergence LR found by the "
                "range test trains best from a peak near it, reached gradually and annealed "
                "smoothly to a floor (the standard recipe for SGD).",
                "Goyal et al. arXiv 1706.02677 (gradual warmup); He et al. arXiv 1812.01187 "
                "(cosine decay with warmup for SGD); Loshchilov & Hutter arXiv 1608.03983",
            )
        return (
            {"scheduler": "cosine"},
            "cosine annealing with a floor: a smooth decay over the planned run that keeps "
            "late updates meaningful.",
            "OneTrainer note (cosine annealing with a minimum LR)",
        )


class EtaMinRule(Rule):
    name = "eta-min"
    source = "OneTrainer note (eta_min 1/100-1/10 of the initial LR); LLaMA arXiv 2302.13971"

    def apply(self, ctx: Context) -> tuple[dict[str, Any], str] | None:
        if "eta_min_ratio" not in schedule_params(ctx.decided["scheduler"]):
            return None
        if (ctx.total_steps or 0) >= 10_000:
            return {"eta_min_ratio": 0.1}, (
                f"eta_min = 1/10 of the initial LR: a long run ({ctx.total_steps} updates) "
                "keeps its late updates meaningful."
            )
        return {"eta_min_ratio": 0.01}, (
            "eta_min = 1/100 of the initial LR: a short run should anneal almost fully."
        )


class WarmupRule(Rule):
    name = "warmup"
    source = (
        "Ma & Yarats arXiv 1910.04209 (Adam: 2/(1-beta2)); GraphCast arXiv 2212.12794; "
        "Goyal et al. arXiv 1706.02677 (SGD: large batches, peaks near divergence)"
    )

    max_fraction: ClassVar[float] = 0.1
    min_epochs: ClassVar[float] = 0.6
    #: SGD's warmup before a peak near the divergence LR, as a fraction of the run (on
    #: digits, seeds 0-9, cosine at diverge/2.5 averaged 0.063 without it, 0.051 with 5%).
    near_divergence_fraction: ClassVar[float] = 0.05

    def apply(self, ctx: Context) -> Fired | None:
        if ctx.decided["scheduler"] in ("onecycle", "plateau", "cosine_restarts"):
            return None  # 1cycle warms up by design; the others restart or react instead
        spe = ctx.steps_per_epoch
        total = ctx.total_steps or (DEFAULT_EPOCHS * spe if spe else None)
        cap = max(0, int(self.max_fraction * total)) if total else None
        if ctx.is_adam:
            beta2 = ctx.beta2 if ctx.beta2 is not None else 0.999
            want = round(2 / (1 - beta2))
            why = (
                f"Adam with beta2={beta2:g}: linear warmup over about 2/(1-beta2) = {want} updates"
            )
            source = "Ma & Yarats arXiv 1910.04209 (Adam: 2/(1-beta2))"
            floor = round(self.min_epochs * spe) if spe else 0
            if floor > want:
                want = floor
                why += (
                    f", lengthened to {self.min_epochs} epoch ({floor} updates) so the peak "
                    "comes after a broad sample of the data, as GraphCast's 1,000 warmup "
                    "iterations (0.6 epoch) do"
                )
                source += "; GraphCast arXiv 2212.12794 (1,000 warmup iterations)"
        elif (ctx.batch_size or 0) >= 512 and spe and not ctx.deterministic_gd:
            # (full-batch GD's LR comes from its measured stability limit, not from scaling
            # a small-batch rate up, so it needs no warmup)
            want = 5 * spe
            why = f"SGD with a large batch ({ctx.batch_size}): gradual warmup over 5 epochs"
            source = "Goyal et al. arXiv 1706.02677 (SGD, large batch: 5 warmup epochs)"
        elif sgd_cosine_near_divergence(ctx) and total:
            want = max(1, round(self.near_divergence_fraction * total))
            why = (
                f"SGD at a peak near the largest LR that trains: linear warmup over "
                f"{self.near_divergence_fraction:.0%} of the run ({want} updates), so the "
                "first updates, while the gradients are largest, do not blow up (Goyal et al. "
                "warm up over 5 of 90 epochs)"
            )
            source = "Goyal et al. arXiv 1706.02677 (gradual warmup before a high LR)"
        else:
            return None
        steps = want if cap is None else min(want, cap)
        if steps <= 0:
            return None
        capped = f", capped at {self.max_fraction:.0%} of the run" if steps < want else ""
        return {"warmup_steps": steps}, f"{why}{capped}.", source


class BasisRule(Rule):
    name = "basis"
    source = "GraphCast arXiv 2212.12794 and its note (iteration vs epoch basis)"

    def apply(self, ctx: Context) -> tuple[dict[str, Any], str]:
        spe, epochs, total = ctx.steps_per_epoch, ctx.epochs, ctx.total_steps
        if ctx.decided["scheduler"] == "onecycle":
            return {"basis": "iteration"}, "iteration basis: 1cycle changes the LR every batch."
        if ctx.decided["scheduler"] == "wsd":
            return {"basis": "iteration"}, (
                "iteration basis: warmup-stable-decay cools down over the last 20% of the "
                "run only, so the LR follows the update count smoothly."
            )
        if spe is None or epochs is None or total is None:
            why = "the loader has no length" if spe is None else "the training length is unknown"
            return {"basis": "iteration"}, (
                f"iteration basis: {why}, so the run is counted in updates."
            )
        warm = ctx.decided.get("warmup_steps", 0)
        if spe >= 100 or epochs < 10 or total >= 10_000 or 0 < warm < spe:
            why = (
                f"{spe} iterations per epoch"
                if spe >= 100
                else f"{epochs} epochs only"
                if epochs < 10
                else f"a long run ({total} updates)"
                if total >= 10_000
                else f"a warmup ({warm} updates) shorter than an epoch"
            )
            return {"basis": "iteration"}, (
                f"iteration basis: {why}, so the LR follows the update count smoothly."
            )
        return {"basis": "epoch"}, (
            f"epoch basis: small data ({spe} updates per epoch, {epochs} epochs), so the LR "
            "never changes in the middle of an epoch and every sample sees the same rate."
        )


RULES: tuple[Rule, ...] = (
    SchedulerTypeRule(),
    PeakLrRule(),
    EtaMinRule(),
    WarmupRule(),
    BasisRule(),
    OverfitRiskRule(),
    PeakCautionRule(),
)


def recommend(ctx: Context, *, rules: tuple[Rule, ...] = RULES) -> Recommendation:
    """Run ``rules`` in order and build the full schedule.

    Periods span the planned run in basis units (``total`` includes the warmup), so the
    schedule ends exactly when training does (``CosineAnnealingLR`` is periodic).
    """
    if not (ctx.suggested_lr > 0 and math.isfinite(ctx.suggested_lr)):
        raise ConfigError(f"suggested_lr: expected a positive number, got {ctx.suggested_lr}.")
    reasons = []
    for rule in rules:
        fired = rule.apply(ctx)
        if fired is None:
            continue
        fields, text, *branch_source = fired
        ctx = replace(ctx, decided={**ctx.decided, **fields})
        reasons.append(Reason(rule.name, text, branch_source[0] if branch_source else rule.source))
    d = ctx.decided
    basis = d["basis"]
    spe = ctx.steps_per_epoch or 1
    epochs = ctx.epochs or DEFAULT_EPOCHS
    warmup_steps = d.get("warmup_steps", 0)
    # on the epoch basis, the nearest whole number of epochs (at least one)
    warmup = warmup_steps if basis == "iteration" else max(1, round(warmup_steps / spe))
    warmup = warmup if warmup_steps else 0
    run = epochs if basis == "epoch" else epochs * spe
    if ctx.epochs is not None and warmup >= run:
        warmup = max(0, run // 10)
    spec = spec_for_run(
        d["scheduler"],
        lr=d["lr"],
        epochs=epochs,
        steps_per_epoch=spe,
        basis=basis,
        warmup=warmup,
        eta_min_ratio=d.get("eta_min_ratio"),
    )
    candidates = tuple(dict.fromkeys((d["scheduler"], *SEARCHABLE)))
    return Recommendation(
        schedule=spec,
        reasons=tuple(reasons),
        candidates=candidates,
        steps_per_epoch=ctx.steps_per_epoch,
        epochs=ctx.epochs,
        ceiling=d.get("ceiling"),
        limit=d.get("limit"),
    )
