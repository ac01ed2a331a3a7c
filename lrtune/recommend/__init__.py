"""The recommender: explainable rules, and an optional Optuna refinement (``refine``).

Example:
    >>> from lrtune.recommend import Context, recommend
    >>> recommend(Context(suggested_lr=0.05, optimizer="SGD", momentum=0.9, n_samples=1437,
    ...                   batch_size=64, steps_per_epoch=23, epochs=30)).basis
    'epoch'
"""

from lrtune.recommend._recommendation import Reason, Recommendation, SearchRecord
from lrtune.recommend.refine import TuneConfig, refine
from lrtune.recommend.rules import RULES, Context, Rule, recommend

__all__ = [
    "RULES",
    "Context",
    "Reason",
    "Recommendation",
    "Rule",
    "SearchRecord",
    "TuneConfig",
    "recommend",
    "refine",
]
