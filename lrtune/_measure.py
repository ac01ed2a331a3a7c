"""The measuring phase of ``find``: the repeated range tests, and a zoom where they fall short.

The first sweep spans many decades in few steps (12.5 per decade by default). When its loss
does half of its falling in the last few steps before it blows up (a flat-then-cliff curve,
:attr:`CurveAnalysis.flat_then_cliff`), the model had too few steps at the moderate rates to
move, and the blow-up is measured on a model still near its initialisation, whose stability
limit can lie far above a trained one's. A second sweep (the *zoom*) then runs the same
repeats over ``[diverge_lr / 100, diverge_lr × 3]``, 2.5 decades in as many steps: the model
trains at the moderate rates first and meets the high ones trained (centred instead on the
lowest LR at which a repeat blew up, where the reading sits more than 100× below it:
:func:`zoom_anchor`). A reading that far below every blow-up was read in the batch noise, so
it triggers the zoom too, cliff or not (:func:`read_in_noise`). The analysis reads the zoom's
runs (:func:`lrtune._readings.analyse_runs`); result.json keeps both sweeps
(``range_test[].stage``).

Where the first sweep's loss hardly fell at all (less than 5%: :attr:`CurveAnalysis.flat`),
no LR had steps enough to move the model: a late learner, or a plateau it must first leave.
The readings then sit in the batch noise. Unless the curve is also flat-then-cliff (the
zoom reads those), ``find`` runs one *long sweep*, over the same range for as many steps as
the planned run (at most ``LONG_CAP``× ``--num-iter``; stage ``long``), and the analysis
reads it (:func:`~lrtune._second_sweep.long_sweep_steps`). On the benchmark's zoo the long
sweep did harm where it replaced a zoom (candidate (35): docs/suggestion.md). When and where
the second sweep runs is decided in :mod:`lrtune._second_sweep`.

The runs are read by :mod:`lrtune._readings`.
"""

from __future__ import annotations

from dataclasses import replace

import torch

from lrtune import distributed
from lrtune._config import Progress
from lrtune._readings import analyse_runs, read_once
from lrtune._second_sweep import (
    ZOOM_ABOVE,
    ZOOM_BELOW,
    long_sweep_steps,
    zoom_anchor,
    zoom_trigger,
)
from lrtune.analysis import CurveAnalysis
from lrtune.errors import CurveError
from lrtune.rangetest import RangeTestConfig, RangeTestResult, range_test, resolve_device
from lrtune.state import preserved_state, seeded, stream_seed
from lrtune.task import Task

__all__ = ["measure"]


def measure(
    task: Task,
    optimizer: torch.optim.Optimizer,
    config: RangeTestConfig,
    *,
    repeats: int,
    zoom: bool,
    momentum: float,
    planned_updates: int | None = None,
    progress: Progress | None = None,
) -> tuple[tuple[RangeTestResult, ...], CurveAnalysis]:
    """Run the repeated range tests, sweep again where they fell short, and analyse.

    ``zoom``: run the second sweep a flat curve (the long sweep, as long as
    ``planned_updates``: :func:`long_sweep_steps`) or :func:`zoom_trigger` (the zoom, which
    takes precedence) asks for. It is skipped after Ctrl-C, and dropped (the first sweep's
    analysis stands) when its own curve cannot be analysed.
    """
    device = resolve_device(config.device)
    # DDP broadcasts rank 0's weights when it wraps the model: restore each rank's own after.
    with preserved_state(task.model):
        model = distributed.wrap_model(task.model, device)
        runs = _repeats(task, model, optimizer, config, repeats, device, "range-test", progress)
        analysis = analyse_runs(runs, momentum=momentum)
        if not zoom or runs[-1].stop_reason == "interrupted":
            return runs, analysis
        if zoom_trigger(analysis, runs) is not None:  # the zoom first, then the long sweep
            anchor = zoom_anchor(analysis.diverge_lr, runs)  # type: ignore[arg-type]
            narrow = replace(config, start_lr=anchor / ZOOM_BELOW, end_lr=anchor * ZOOM_ABOVE)
            fresh = _repeats(task, model, optimizer, narrow, repeats, device, "zoom", progress)
            stage = "zoom"
        elif analysis.flat and (steps := long_sweep_steps(config.num_iter, planned_updates)):
            # one run, the first repeat's model and data order, for longer
            longer = replace(config, num_iter=steps)
            fresh = _repeats(task, model, optimizer, longer, 1, device, "long-sweep", progress)
            stage = "long"
        else:
            return runs, analysis
    swept = runs + tuple(replace(r, stage=stage) for r in fresh)
    try:  # the usual reading only: a zoom that reads as blown up at its start is dropped
        return swept, read_once(swept, momentum=momentum, patient=False)
    except CurveError:
        return runs, analysis


def _repeats(
    task: Task,
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    config: RangeTestConfig,
    repeats: int,
    device: torch.device,
    phase: str,
    progress: Progress | None,
) -> tuple[RangeTestResult, ...]:
    """``repeats`` range tests, each with its own data order (and model, given a factory)."""
    runs = []
    base_seed = config.seed if config.seed is not None else 0
    total = repeats * config.num_iter
    first = model
    for r in range(repeats):
        rt = replace(config, seed=stream_seed(base_seed, r))
        if r and task.model_factory is not None:  # a fresh initialisation per repeat
            with seeded(rt.seed):
                model = distributed.wrap_model(task.model_factory(), device)
                optimizer = task.make_optimizer(model.parameters(), rt.start_lr)
        offset = r * config.num_iter
        tick = (
            (lambda step, _loss, o=offset: progress(phase, o + step + 1, total))
            if progress
            else None
        )
        run = range_test(
            model, optimizer, task.train_loader, loss_fn=task.loss_fn, config=rt, progress=tick
        )
        runs.append(replace(run, fresh_init=model is not first))
        if progress is not None:  # a run that stopped early is still a finished run
            progress(phase, offset + config.num_iter, total)
        if run.stop_reason == "interrupted":
            break
    return tuple(runs)
