"""The methods compared by the benchmark: a small registry of :class:`Method` objects.

A method sees a task and a seed and proposes how to train it (:class:`Plan`): an LR and
a scheduler factory, or a ``setup(model) -> (optimizer, scheduler)`` (for emitted
code), plus what finding it cost in optimizer steps. Every plan is trained by the same
harness, :func:`lrtune.train.train`. Add a method with :func:`register`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import inspect
import io
import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import torch

from benchmarks import shapes
from benchmarks.machine import fingerprint
from benchmarks.suite import BenchTask, file_hash, load
from lrtune.train import SchedulerFactory, Setup

if TYPE_CHECKING:
    from lrtune.api import FindConfig

__all__ = ["Plan", "Method", "register", "get", "names", "all_methods", "default_lr"]


@dataclass(frozen=True)
class Plan:
    """A method's proposal for one seed.

    Attributes:
        lr: the LR given to ``task.make_optimizer`` (the schedule's peak); ``None`` with
            ``setup``. Also the LR reported for the method.
        make_scheduler: builds the scheduler from the optimizer.
        setup: alternative: builds ``(optimizer, scheduler)`` from the model.
        steps_per: the scheduler's basis.
        cost_steps: optimizer steps spent finding the proposal (0 for a fixed default).
        range_test_steps: lrtune's range test alone (its sweeps, a zoom, the statistics
            batches), part of ``cost_steps``; ``None`` for the other methods.
        note: anything the report should say about it.
    """

    lr: float | None
    make_scheduler: SchedulerFactory | None = None
    setup: Setup | None = None
    steps_per: Literal["iteration", "epoch"] = "iteration"
    cost_steps: int = 0
    range_test_steps: int | None = None
    note: str = ""


class Method(ABC):
    """One way of choosing the LR and schedule; ``name`` is its label in the report.

    ``seeded`` methods search (their proposal depends on the seed); the others propose the
    same plan for every seed. :meth:`version` names what produced a run, for the cache.
    """

    name: str = ""
    description: str = ""
    seeded: bool = True
    packages: tuple[str, ...] = ()  # the peer's distributions, for version()

    def version(self) -> str:
        """The method's own code (its class and :meth:`code` helpers) and the peer packages'
        versions: editing one method re-runs only its rows."""
        blob = "".join(inspect.getsource(obj) for obj in (type(self), *self.code()))
        parts = [hashlib.sha256(blob.encode()).hexdigest()[:16]]
        for dist in self.packages:
            try:
                parts.append(f"{dist} {importlib.metadata.version(dist)}")
            except importlib.metadata.PackageNotFoundError:
                parts.append(f"{dist} missing")
        return " ".join(parts)

    def code(self) -> tuple[object, ...]:
        """Functions besides the class whose source decides the method's runs."""
        return ()

    def unavailable(self, bench: BenchTask) -> str | None:
        """Why the method cannot run on ``bench`` (``None`` when it can)."""
        return None

    @abstractmethod
    def suggest(self, bench: BenchTask, seed: int, *, device: str = "cpu") -> Plan:
        """The proposal for ``bench`` with ``seed`` (which seeds any search it runs)."""


_REGISTRY: dict[str, Method] = {}


def register(method: Method) -> Method:
    """Add ``method`` to the registry (its name must be new)."""
    if not method.name or method.name in _REGISTRY:
        raise ValueError(f"method name must be new and non-empty, got {method.name!r}.")
    _REGISTRY[method.name] = method
    return method


def get(name: str) -> Method:
    if name not in _REGISTRY:
        raise ValueError(f"unknown method {name!r}; expected one of {', '.join(_REGISTRY)}.")
    return _REGISTRY[name]


def names() -> list[str]:
    return list(_REGISTRY)


def all_methods() -> list[Method]:
    return list(_REGISTRY.values())


# --- peers -------------------------------------------------------------------------------


def default_lr(bench: BenchTask) -> float:
    """A framework-default LR: 1e-3 for Adam-family optimizers (``betas``), else 0.01."""
    probe = torch.nn.Parameter(torch.zeros(1))
    optimizer = bench.task.make_optimizer([probe], 1.0)
    return 1e-3 if "betas" in optimizer.defaults else 0.01


class DefaultLR(Method):
    name = "default LR + cosine"
    description = "Adam-family 1e-3, SGD 0.01; cosine to 0 over the run"
    seeded = False

    def suggest(self, bench: BenchTask, seed: int, *, device: str = "cpu") -> Plan:
        return Plan(
            lr=default_lr(bench), make_scheduler=shapes.build("cosine", bench.planned_steps)
        )


@cache
def lr_finder_steepest(name: str, seed: int, device: str = "cpu") -> tuple[float, int]:
    """torch-lr-finder's steepest-gradient suggestion and the steps its range test took.

    As its README: optimizer at LR 1e-7, ``range_test(train_loader, end_lr=10,
    num_iter=100)``, then ``plot(suggest_lr=True)`` (default ``skip_start=10,
    skip_end=5``) on an off-screen axis. The model is fresh (seeded); our RNG is restored.
    Returns ``nan`` as the LR when the test stopped too early to suggest one.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from torch_lr_finder import LRFinder

    bench = load(name)
    criterion = getattr(bench.task.loss_fn, "criterion", None)
    quiet = io.StringIO()
    with (
        torch.random.fork_rng(),
        contextlib.redirect_stdout(quiet),
        contextlib.redirect_stderr(quiet),
    ):
        torch.manual_seed(seed)
        model = bench.model_factory().to(device)
        optimizer = bench.task.make_optimizer(model.parameters(), 1e-7)
        finder = LRFinder(model, optimizer, criterion, device=device)
        finder.range_test(bench.task.train_loader, end_lr=10, num_iter=100)
        steps = len(finder.history["lr"])
        fig, ax = plt.subplots()
        try:
            _, lr = finder.plot(ax=ax, suggest_lr=True)
        except RuntimeError:
            lr = math.nan
        finally:
            plt.close(fig)
    return float(lr), steps


class LRFinderMethod(Method):
    """torch-lr-finder 0.2.2, steepest-gradient suggestion, as the peak of a schedule."""

    packages = ("torch-lr-finder",)

    def code(self) -> tuple[object, ...]:
        return (lr_finder_steepest.__wrapped__,)

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.name = f"torch-lr-finder + {shape}"
        self.description = f"steepest-gradient LR (end_lr=10, num_iter=100) with {shape}"

    def unavailable(self, bench: BenchTask) -> str | None:
        try:
            import torch_lr_finder  # noqa: F401
        except ImportError:
            return "torch-lr-finder is not installed (pip install -e '.[bench]')"
        if getattr(bench.task.loss_fn, "criterion", None) is None:
            return "needs criterion(output, target); the task defines only loss_fn"
        return None

    def suggest(self, bench: BenchTask, seed: int, *, device: str = "cpu") -> Plan:
        lr, steps = lr_finder_steepest(bench.name, seed, device)
        return Plan(
            lr=lr, make_scheduler=shapes.build(self.shape, bench.planned_steps), cost_steps=steps
        )


# --- lrtune ------------------------------------------------------------------------------


class LrtuneMethod(Method):
    """lrtune's own pipeline: ``lrtune.api.find`` (range test + rules, optionally Optuna).

    The model is fresh (built after ``torch.manual_seed(seed)``), the range test's data
    order uses ``seed``, and its repeats build their own models from the task's factory, as
    ``lrtune find`` does with a model.py whose ``model`` is a function. The plan executes the
    emitted PyTorch code (``code["torch"]``), so what is scored is exactly what a user would
    paste. Cost: range-test steps, plus the
    forward-backward passes of the dataset statistics, plus the zoom race's, the stability
    probe's, the horizon check's and the refinement's trial steps.
    """

    STATS_BATCHES = 8  # lrtune.analysis.dataset_stats default n_batches

    def __init__(self, *, tune: bool) -> None:
        self.tune = tune
        self.name = "lrtune --tune" if tune else "lrtune"
        self.description = "range test + rules" + (" + Optuna refinement" if tune else "")

    def code(self) -> tuple[object, ...]:
        return (_lrtune_plan.__wrapped__, lrtune_config, _exec_setup)

    def version(self) -> str:
        """The lrtune package's source and the machine's arithmetic
        (:func:`benchmarks.machine.fingerprint`): a change to either re-runs lrtune's rows."""
        package = Path(__file__).resolve().parents[1] / "lrtune"
        blob = "".join(file_hash(p) for p in sorted(package.rglob("*.py")))
        source = hashlib.sha256(blob.encode()).hexdigest()[:16]
        return f"{super().version()} lrtune {source} machine {fingerprint()}"

    def unavailable(self, bench: BenchTask) -> str | None:
        try:
            from lrtune.api import FindConfig, find  # noqa: F401
        except ImportError as exc:
            return f"lrtune.api is not importable yet ({exc})"
        if self.tune:
            try:
                from lrtune.recommend.refine import TuneConfig  # noqa: F401
            except ImportError as exc:
                return f"lrtune.recommend.refine is not importable yet ({exc})"
        return None

    def suggest(self, bench: BenchTask, seed: int, *, device: str = "cpu") -> Plan:
        return _lrtune_plan(bench.name, seed, device, self.tune)


def lrtune_config(seed: int, *, tune: bool, device: str = "cpu") -> FindConfig:
    """The ``FindConfig`` lrtune's rows run ``find`` with (``--tune`` at its defaults with
    ``tune``); ``benchmarks.proposals`` records ``find`` with the same one."""
    from lrtune.api import FindConfig

    tune_config = None
    if tune:
        from lrtune.recommend.refine import TuneConfig

        tune_config = TuneConfig()  # TODO(recommender): the budget the benchmark should use
    return FindConfig.create(seed=seed, device=device, tune=tune_config)


@cache
def _lrtune_plan(name: str, seed: int, device: str, tune: bool) -> Plan:
    from lrtune.api import find

    bench = load(name)
    result = find(bench.find_task(seed), config=lrtune_config(seed, tune=tune, device=device))
    sweeps = sum(len(run.lrs) for run in result.runs) + LrtuneMethod.STATS_BATCHES
    cost = sweeps
    rec = result.recommendation
    search = getattr(rec, "search", None)
    check = getattr(rec, "check", None)
    # the search's cost includes the horizon check before it; without a search, count the check
    cost += search.cost_steps if search else check["steps"] if check else 0
    cost += rec.probe["steps"] if rec is not None and rec.probe else 0
    cost += rec.race["steps"] if rec is not None and getattr(rec, "race", None) else 0
    code = result.code.get("torch")
    if code and rec is not None:
        return Plan(
            lr=float(rec.initial_lr),
            setup=_exec_setup(code),
            steps_per=rec.basis,
            cost_steps=cost,
            range_test_steps=sweeps,
            note=f"recommends {rec.scheduler} ({rec.basis} basis)",
        )
    return Plan(
        lr=float(result.analysis.suggested_lr),
        make_scheduler=shapes.build("cosine", bench.planned_steps),
        cost_steps=cost,
        range_test_steps=sweeps,
        note="no recommendation: suggested_lr + cosine",
    )


def _exec_setup(code: str) -> Setup:
    """``setup(model)`` that runs emitted code with ``model`` in scope."""

    def setup(model: torch.nn.Module):  # type: ignore[no-untyped-def]
        scope: dict[str, object] = {"model": model, "torch": torch}
        exec(code, scope)
        return scope["optimizer"], scope["scheduler"]

    return setup


for _method in (
    LrtuneMethod(tune=False),
    LrtuneMethod(tune=True),
    DefaultLR(),
    LRFinderMethod("cosine"),
    LRFinderMethod("onecycle"),
):
    register(_method)

from benchmarks import peers  # noqa: E402, F401  (registers Lightning, fastai, LR-free peers)
