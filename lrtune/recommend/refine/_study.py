"""The Optuna study: its sampler and pruner, its trials, and the setup its runs share.

The setup (proposal, space, trial length) is stored by the study's first run
(:mod:`lrtune.recommend._shared`).
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from lrtune.errors import ConfigError
from lrtune.recommend._recommendation import Recommendation
from lrtune.recommend._shared import settle_setup
from lrtune.recommend.refine._config import TuneConfig
from lrtune.recommend.refine._plan import _Plan
from lrtune.recommend.refine._space import _Space
from lrtune.schedules import spec_from_dict

__all__ = [
    "_PROPOSAL",
    "_adopt_setup",
    "_best",
    "_check_space",
    "_copy_of_proposal",
    "_proposal_trial",
    "_finished",
    "_pruner",
    "_sampler",
]


def _pruner(config: TuneConfig, n_reports: int) -> Any:
    import optuna

    if config.pruner == "median":
        # Compressed schedules run at a high LR early on; judge them past half-way only.
        return optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=n_reports // 2)
    if config.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=max(n_reports, 1))
    return optuna.pruners.NopPruner()


def _sampler(config: TuneConfig, offset: int) -> Any:
    import optuna

    seed = None if config.sampler_seed is None else config.sampler_seed + offset
    startup = min(10, max(3, config.n_trials // 2))
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=startup)


#: The user attribute that marks the enqueued proposal.
_PROPOSAL = "proposal"


def _proposal_trial(study: Any) -> Any | None:
    """The study's proposal: the first trial marked as one (``None`` before it is enqueued)."""
    marked = [t for t in study.get_trials(deepcopy=False) if t.user_attrs.get(_PROPOSAL)]
    return min(marked, key=lambda t: t.number) if marked else None


def _copy_of_proposal(study: Any, trial: Any) -> bool:
    """Whether ``trial`` is a second copy of the proposal: processes that open an empty
    shared study at the same moment may each enqueue it. The copy is marked and not run."""
    if not trial.user_attrs.get(_PROPOSAL):
        return False
    first = _proposal_trial(study).number
    if first == trial.number:
        return False
    trial.set_user_attr("copy_of", first)
    return True


def _finished(study: Any) -> list[Any]:
    import optuna

    states = (optuna.trial.TrialState.COMPLETE, optuna.trial.TrialState.PRUNED)
    return study.get_trials(deepcopy=False, states=states)


def _best(study: Any) -> Any | None:
    import optuna

    complete = study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.COMPLETE,))
    finite = [t for t in complete if t.value is not None and math.isfinite(t.value)]
    return min(finite, key=lambda t: t.value) if finite else None


def _check_space(study: Any, space: _Space) -> None:
    """A resumed study must have been searched over the same scheduler types."""
    for trial in study.get_trials(deepcopy=False):
        dist = trial.distributions.get("scheduler")
        if dist is not None and tuple(dist.choices) != space.schedulers:
            raise ConfigError(
                f"study {study.study_name!r}: expected scheduler choices {list(dist.choices)} "
                f"as in its earlier trials, got {list(space.schedulers)}; use another study name"
            )


def _adopt_setup(
    study: Any, proposal: Recommendation, space: _Space, plan: _Plan, config: TuneConfig
) -> tuple[Recommendation, _Space, _Plan]:
    """The proposal, space and trial length stored by the study's first run (ours if first)."""
    mine = {
        "proposal": proposal.schedule.to_dict(),
        "space": dataclasses.asdict(space),
        "trial_steps": plan.trial_steps,
        "total_steps": plan.total_steps,
    }
    setup = settle_setup(study, mine, shared=config.storage is not None)
    if setup["total_steps"] != plan.total_steps:
        raise ConfigError(
            f"study {study.study_name!r}: expected a planned run of {setup['total_steps']} steps "
            f"as when it was created, got {plan.total_steps} (another --epochs or batch size?); "
            "use another --study-name"
        )
    stored = setup["space"]
    space = _Space(**{**stored, "schedulers": tuple(stored["schedulers"])})
    proposal = dataclasses.replace(proposal, schedule=spec_from_dict(setup["proposal"]))
    return proposal, space, dataclasses.replace(plan, trial_steps=setup["trial_steps"])
