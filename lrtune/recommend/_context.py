"""What the rules read (:class:`Context`), and the shape of a rule (:class:`Rule`).

Example:
    >>> ctx = Context(suggested_lr=0.01, optimizer="SGD", steps_per_epoch=10, epochs=5)
    >>> ctx.total_steps, ctx.is_sgd, ctx.is_adam
    (50, True, False)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from lrtune.analysis.dataset import run_length

__all__ = ["ACCUMULATOR_FAMILY", "ADAM_FAMILY", "Context", "Fired", "Rule"]

ADAM_FAMILY = ("Adam", "AdamW", "NAdam", "RAdam", "Adamax", "SparseAdam", "Lamb")
#: Squared-gradient accumulators without Adam's first moment or bias correction.
ACCUMULATOR_FAMILY = ("Adagrad", "RMSprop")


@dataclass(frozen=True)
class Context:
    """What the rules read, and the fields they have decided so far (``decided``)."""

    suggested_lr: float
    diverge_lr: float | None = None
    diverge_method: str = "none"
    min_loss_lr: float | None = None
    floor_lr: float | None = None
    rebound_lr: float | None = None
    #: Where the range test's runs blew up (the median LR of their last steps; ``None`` where
    #: none did): the growth-rate reading ``diverge_lr`` can lie far below it.
    blowup_lr: float | None = None
    optimizer: str = "AdamW"
    momentum: float | None = None
    beta2: float | None = None
    n_samples: int | None = None
    batch_size: int | None = None
    steps_per_epoch: int | None = None
    epochs: int | None = None
    scheduler: str | None = None  # the user's choice, if any
    decided: dict[str, Any] = field(default_factory=dict)

    @property
    def total_steps(self) -> int | None:
        return self._run_length[0]

    @property
    def passes_per_sample(self) -> float | None:
        return self._run_length[1]

    @property
    def _run_length(self) -> tuple[int | None, float | None]:
        return run_length(
            epochs=self.epochs,
            steps_per_epoch=self.steps_per_epoch,
            batch_size=self.batch_size,
            n_samples=self.n_samples,
        )

    @property
    def is_sgd(self) -> bool:
        return self.optimizer == "SGD"

    @property
    def is_adam(self) -> bool:
        return self.optimizer in ADAM_FAMILY or self.beta2 is not None

    @property
    def full_batch(self) -> bool:
        """One batch per epoch: every step sees the whole dataset's gradient (no noise)."""
        whole = self.batch_size is None or self.n_samples is None
        return self.steps_per_epoch == 1 and (whole or self.batch_size >= self.n_samples)

    @property
    def deterministic_gd(self) -> bool:
        """Full-batch SGD with a measured stability limit: no noise to anneal."""
        return self.is_sgd and self.full_batch and self.diverge_lr is not None


#: What a rule returns when it fires: the fields it decides, a one-sentence reason, and
#: optionally the source of the branch that fired (default: the rule's ``source``).
Fired = tuple[dict[str, Any], str] | tuple[dict[str, Any], str, str]


class Rule:
    """One decision. Subclasses set ``name`` and ``source`` and implement :meth:`apply`."""

    name: ClassVar[str] = ""
    source: ClassVar[str] = ""

    def apply(self, ctx: Context) -> Fired | None:
        """Return ``(fields, reason[, source])``, or ``None`` when the rule does not fire."""
        raise NotImplementedError
