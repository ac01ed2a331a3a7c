"""Cautions: rules that decide nothing and say where the proposal is least certain.

Example:
    >>> from lrtune.recommend._context import Context
    >>> fields, text = PeakCautionRule().apply(Context(suggested_lr=0.01, optimizer="Lion"))
    >>> fields, text.startswith("caution: lrtune's benchmark has no task for Lion")
    ({}, True)
"""

from __future__ import annotations

from typing import Any, ClassVar

from lrtune.recommend._context import ACCUMULATOR_FAMILY, Context, Rule

__all__ = ["OverfitRiskRule", "PeakCautionRule"]


class OverfitRiskRule(Rule):
    """A caution, not a decision: the range test cannot see overfitting.

    When it fires and the task has a ``val_loader``, ``lrtune find`` runs the horizon check
    (:mod:`lrtune.recommend.horizon`) on the proposal.
    """

    name = "overfit-risk"
    source = "Prechelt 1998, 'Early stopping - but when?' (validation loss rises late)"

    min_passes: ClassVar[float] = 20
    max_samples: ClassVar[int] = 10_000

    def apply(self, ctx: Context) -> tuple[dict[str, Any], str] | None:
        passes, n = ctx.passes_per_sample, ctx.n_samples
        if passes is None or n is None or passes < self.min_passes or n > self.max_samples:
            return None
        return {}, (
            f"caution: {passes:.0f} passes over {n} samples can overfit; the range test reads "
            "the training loss only, so if the validation loss rises late in training, the "
            "best LR is lower than this one: the horizon check looks for that on the "
            "validation loss (given a val_loader)."
        )


class PeakCautionRule(Rule):
    """A caution, not a decision: the optimizers for which the peak rule is least certain.

    For Adagrad and RMSprop it says what lrtune's benchmark measured (docs/suggestion.md);
    for an optimizer outside the SGD, Adam and accumulator families, that none was measured.
    """

    name = "peak-caution"
    source = "lrtune's benchmark zoo, docs/benchmarks.md (the peak per optimizer family)"

    def apply(self, ctx: Context) -> tuple[dict[str, Any], str] | None:
        if ctx.optimizer in ACCUMULATOR_FAMILY:
            return {}, (
                f"caution: for {ctx.optimizer} the peak rule holds on some tasks and not on "
                "others. On lrtune's benchmark, of nine Adagrad and RMSprop tasks, six "
                "trained within 20% of their best with it, and two needed peaks 8-15x higher, "
                "at or above the divergence LR after a warmup (a one-pass stream with smooth "
                "targets, and an LSTM on the adding problem). If the validation loss is still "
                "falling fast when training ends, try a higher peak with a warmup."
            )
        if ctx.is_sgd or ctx.is_adam:
            return None
        return {}, (
            f"caution: lrtune's benchmark has no task for {ctx.optimizer}; its peak follows "
            "the rule for adaptive optimizers, which was measured on Adam-family tasks."
        )
