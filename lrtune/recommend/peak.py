"""The peak-LR rule: the schedule's peak from the range test's readings, per optimizer family.

- SGD under warmup + cosine: a 2.5th of the lower of the divergence LR and the LR where the
  loss rose back (the *rebound*); where the rebound binds, the divergence LR's own peak is the
  stability probe's ``ceiling``. The probe raises a peak at which nothing was learnt up to the
  ``limit``, half the LR where the range test's runs blew up (none where they did not).
- 1cycle: half the divergence LR (Adam's: at most 4x the range test's suggestion).
- Full-batch gradient descent: just under its stability limit.
- Otherwise (Adam, Adagrad, RMSprop): where the loss reaches its floor, at most half the
  divergence LR; the stability probe raises a peak at which nothing was learnt up to the
  ``limit``, half the higher of the divergence LR and the LR where the range test's runs blew
  up.

The evidence behind each constant is in docs/suggestion.md.

Example:
    >>> from lrtune.recommend._context import Context
    >>> ctx = Context(suggested_lr=0.01, diverge_lr=1.0, optimizer="SGD",
    ...               decided={"scheduler": "cosine"})
    >>> fields, text, source = PeakLrRule().apply(ctx)
    >>> fields
    {'lr': 0.4}
    >>> ctx = Context(suggested_lr=0.01, diverge_lr=1.0, rebound_lr=0.5, optimizer="SGD",
    ...               decided={"scheduler": "cosine"})
    >>> PeakLrRule().apply(ctx)[0]
    {'lr': 0.2, 'ceiling': 0.4}
"""

from __future__ import annotations

from typing import ClassVar

from lrtune.recommend._context import Context, Fired, Rule

__all__ = ["PeakLrRule", "sgd_cosine_near_divergence"]


def sgd_cosine_near_divergence(ctx: Context) -> bool:
    """Mini-batch SGD with a divergence LR under cosine: its peak is set just below that LR,
    after a warmup."""
    return (
        ctx.is_sgd
        and ctx.diverge_lr is not None
        and not ctx.deterministic_gd
        and ctx.decided.get("scheduler") == "cosine"
    )


class PeakLrRule(Rule):
    name = "peak-lr"
    source = (
        "Smith arXiv 1506.01186 (range test; the cyclic minimum is max/3-4); "
        "Smith arXiv 1708.07120 (1cycle max_lr)"
    )

    #: Safety margin of 1cycle's peak below a divergence LR read from the blow-up rate: the
    #: estimate varies by ±20% with the data order, and a peak too high costs far more than
    #: one too low (on digits, 1cycle at 0.18 ≈ diverge/1.5 lost 2× the validation loss of
    #: 0.12–0.15).
    onecycle_margin: ClassVar[float] = 2.0
    #: The same for SGD's warmup + cosine, which lingers near its peak: on digits over 20
    #: fresh data orders (seeds 10-29), the mean validation loss was 0.062 at diverge/2 and
    #: 0.056 at diverge/2.5 (1cycle at diverge/2: 0.067). Where the loss rose back before it
    #: blew up (``Context.rebound_lr``, below the divergence LR), the margin is kept below
    #: that rise instead: the blow-up of a short sweep comes late where training has long
    #: stopped working (majority_gru_sgd, digits_gn_cnn_nesterov). The divergence LR's own
    #: peak is then the probe's ceiling (candidate (33) in docs/suggestion.md).
    cosine_margin: ClassVar[float] = 2.5
    #: Margin below the stability limit of full-batch gradient descent (measured exactly:
    #: the loss grows by a fixed factor per step above it).
    full_batch_margin: ClassVar[float] = 1.1
    #: A schedule that holds its peak starts where the loss reaches its floor
    #: (``CurveAnalysis.floor_lr``: within 20% of the descent above the minimum, read while the
    #: loss still falls), 3-10x below the smoothed minimum, the largest LR that still trains
    #: (Smith: the cyclic minimum is max/3-4). On the design half's Adam tasks the grid's best
    #: cosine LRs lie 1-4x above it (charlm_gru: floor 0.012-0.022, best 0.015;
    #: transformer_lm_scratch: floor 0.0044, best 0.018 with a band of 0.0056-0.056 within
    #: 12%); the minimum itself is noise on a flat bottom (0.018-0.42 over three find seeds).
    #: Without ``floor_lr`` (a Context built by hand), a quarter of the smoothed minimum.
    min_loss_factor: ClassVar[float] = 4.0

    def apply(self, ctx: Context) -> Fired:
        scheduler = ctx.decided["scheduler"]
        if sgd_cosine_near_divergence(ctx):
            limit, which, fields, then = ctx.diverge_lr, "the divergence LR", {}, ""
            if ctx.rebound_lr is not None and ctx.rebound_lr < limit:  # type: ignore[operator]
                limit = ctx.rebound_lr
                ceiling = ctx.diverge_lr / self.cosine_margin  # type: ignore[operator]
                fields = {"ceiling": ceiling}
                which = (
                    f"the LR where the range test's loss rose back ({limit:.3g}, below the "
                    f"divergence LR {ctx.diverge_lr:.3g}: it got worse before it blew up)"
                )
                then = (
                    f" The stability probe tries {ceiling:.3g}, the divergence LR / "
                    f"{self.cosine_margin:g}, first, and the peak stays at or below the "
                    "first of its halvings that trains without blowing up."
                )
            lr = limit / self.cosine_margin  # type: ignore[operator]
            if ctx.blowup_lr is not None:
                # the stability probe may raise a peak that learnt nothing up to half the LR
                # where the range test's runs blew up (candidate (57b): cancer_deep_sgd)
                fields["limit"] = ctx.blowup_lr / 2
            return (
                {"lr": lr, **fields},
                f"peak LR {lr:.3g} = {which} / {self.cosine_margin:g}: after a "
                "warmup, SGD trains best from a peak close to the largest LR that still "
                "trains; cosine stays near its peak longer than 1cycle, so a little further "
                f"below it.{then}",
                "Smith arXiv 1506.01186 (best LR within 2x of the largest that converges)",
            )
        if scheduler == "onecycle" and ctx.diverge_lr is not None:
            lr = ctx.diverge_lr / self.onecycle_margin
            why = f"the divergence LR / {self.onecycle_margin:g}"
            if not ctx.is_sgd and lr > 4 * ctx.suggested_lr:
                # Adam's loss rarely explodes, so its divergence LR is a rough upper bound
                lr = 4 * ctx.suggested_lr
                why = f"4x the suggestion (below the divergence LR / {self.onecycle_margin:g})"
            return (
                {"lr": lr},
                f"max_lr {lr:.3g} = {why}: 1cycle starts at max_lr/25 and stays near the peak "
                "only briefly, so its peak is close to the largest LR that still trains.",
                "Smith arXiv 1708.07120 (1cycle max_lr from the range test)",
            )
        if scheduler == "constant" and ctx.deterministic_gd:
            lr = ctx.diverge_lr / self.full_batch_margin  # type: ignore[operator]
            return (
                {"lr": lr},
                f"LR {lr:.3g} = the divergence LR / {self.full_batch_margin:g}: full-batch "
                "gradient descent is stable below 2/lambda_max (the LR where the loss starts "
                "to grow each step) and converges fastest just under it.",
                "Polyak 1987, Introduction to Optimization §1.4 (gradient descent on a "
                "quadratic: stable for LR < 2/L, fastest near 2/(L+mu))",
            )
        lr, why = ctx.suggested_lr, "the range test's suggestion"
        source = "Smith arXiv 1506.01186 (LR range test)"
        floor = ctx.floor_lr
        if floor is None and ctx.min_loss_lr is not None:  # a Context built without it
            floor = ctx.min_loss_lr / self.min_loss_factor
        # a floor is only a floor where the loss turned up after it: at the sweep's end (no
        # divergence LR) the loss may still be falling, and the "minimum" is the last LR tried
        if floor is not None and ctx.diverge_lr is not None and floor > lr:
            lr = floor
            why = "the LR where the loss reaches its floor (3-10x below the largest that trains)"
            source = "Smith arXiv 1506.01186 (the cyclic minimum is max/3-4)"
        fields: dict[str, float] = {}
        if ctx.diverge_lr is not None:
            # the stability probe raises a peak that learnt nothing no higher than this: half
            # the divergence LR, or half the LR where the runs blew up where that is higher
            # (the growth-rate reading can lie 20x below it: wine_gelu_adamw, sinc_tanh_rmsprop)
            fields["limit"] = max(ctx.diverge_lr, ctx.blowup_lr or 0.0) / 2
            if lr > ctx.diverge_lr / 2:
                lr, why = ctx.diverge_lr / 2, "half the divergence LR"
                source = "Smith arXiv 1506.01186 (best LR within 2x of the largest that converges)"
        where = f", {ctx.diverge_lr / lr:.1f}x below the divergence LR" if ctx.diverge_lr else ""
        return {"lr": lr, **fields}, f"initial LR {lr:.3g} = {why}{where}.", source
