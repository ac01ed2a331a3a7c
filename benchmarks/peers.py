"""The peers beyond torch-lr-finder: Lightning's and fastai's finders, and the LR-free
optimizers (schedule-free, Prodigy, D-Adaptation), each used as its documentation says.

Every finder starts from a fresh model built after ``torch.manual_seed(seed)`` and draws
its data order from that seed; the caller's RNG is restored. Versions are pinned in the
``bench`` extra (fastai without its dependencies: see benchmarks/README.md). Nothing here
copies the peers' code: they are called.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import tempfile
import warnings
from functools import cache, partial

import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, LambdaLR

from benchmarks import shapes
from benchmarks.methods import Method, Plan, register
from benchmarks.suite import BenchTask, load
from lrtune.task import loader_length

__all__ = [
    "DAdaptationCosine",
    "FastaiValley",
    "LightningFinder",
    "Prodigy",
    "ScheduleFree",
    "fastai_valley",
    "lightning_suggestion",
]


def _criterion(bench: BenchTask):  # noqa: ANN202
    return getattr(bench.task.loss_fn, "criterion", None)


def _missing(module: str, hint: str) -> str | None:
    try:
        __import__(module)
    except ImportError:
        return f"{module} is not installed ({hint})"
    return None


@contextlib.contextmanager
def _quiet():
    """Silence a peer's progress bars, logs and warnings."""
    sink = io.StringIO()
    levels = {n: logging.getLogger(n).level for n in ("lightning", "lightning.pytorch")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        with (
            contextlib.redirect_stdout(sink),
            contextlib.redirect_stderr(sink),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


# --- finders -----------------------------------------------------------------------------


@cache
def lightning_suggestion(name: str, seed: int) -> tuple[float, int]:
    """``Tuner(trainer).lr_find(module)`` with its defaults (1e-8 → 1, 100 steps, stop at 4×
    the best loss), then ``suggestion()``; ``nan`` when it gives none."""
    import lightning.pytorch as pl
    from lightning.pytorch.tuner import Tuner

    bench = load(name)

    class Module(pl.LightningModule):
        def __init__(self, net: torch.nn.Module) -> None:
            super().__init__()
            self.net, self.lr = net, 1e-3

        def training_step(self, batch, batch_idx):  # noqa: ANN001, ANN201
            return bench.task.loss_fn(self.net, batch)

        def configure_optimizers(self):  # noqa: ANN201
            return bench.task.make_optimizer(self.net.parameters(), self.lr)

    with torch.random.fork_rng(), _quiet(), tempfile.TemporaryDirectory() as root:
        torch.manual_seed(seed)
        module = Module(bench.model_factory())
        trainer = pl.Trainer(
            accelerator="cpu",
            devices=1,
            logger=False,
            enable_checkpointing=False,
            enable_progress_bar=False,
            enable_model_summary=False,
            default_root_dir=root,
        )
        finder = Tuner(trainer).lr_find(module, train_dataloaders=bench.task.train_loader)
        lr = finder.suggestion() if finder is not None else None
        steps = len(finder.results["lr"]) if finder is not None else 0
    return (float(lr) if lr else math.nan), steps


@cache
def fastai_valley(name: str, seed: int) -> tuple[float, int]:
    """``Learner.lr_find()`` with its defaults (1e-7 → 10, 100 steps, stop at 4× the best
    loss) and its default suggestion, ``valley``; the task's own optimizer through
    ``OptimWrapper`` and its torch DataLoaders."""
    from fastai.callback.schedule import valley
    from fastai.data.core import DataLoaders
    from fastai.learner import Learner
    from fastai.optimizer import OptimWrapper

    bench = load(name)
    with torch.random.fork_rng(), _quiet(), tempfile.TemporaryDirectory() as root:
        torch.manual_seed(seed)
        learn = Learner(
            DataLoaders(bench.task.train_loader, bench.task.val_loader),
            bench.model_factory(),
            loss_func=_criterion(bench),
            opt_func=partial(OptimWrapper, opt=bench.task.make_optimizer),
            path=root,
        )
        with learn.no_bar(), learn.no_logging():
            found = learn.lr_find(suggest_funcs=(valley,), show_plot=False)
        steps = len(learn.recorder.lrs)
    return float(found.valley), steps


class _FinderMethod(Method):
    """A peer finder's LR as the peak of a schedule shape."""

    finder = staticmethod(lightning_suggestion)
    label, module, hint = "", "", ""

    def __init__(self, shape: str) -> None:
        self.shape = shape
        self.name = f"{self.label} + {shape}"
        self.description = f"{self.label}'s suggestion with {shape}"

    def unavailable(self, bench: BenchTask) -> str | None:
        missing = _missing(self.module, self.hint)
        if missing:
            return missing
        if _criterion(bench) is None:
            return "needs criterion(output, target); the task defines only loss_fn"
        return None

    def code(self) -> tuple[object, ...]:
        return (_FinderMethod, type(self).finder.__wrapped__, _quiet, _criterion)

    def suggest(self, bench: BenchTask, seed: int, *, device: str = "cpu") -> Plan:
        lr, steps = type(self).finder(bench.name, seed)
        return Plan(
            lr=lr, make_scheduler=shapes.build(self.shape, bench.planned_steps), cost_steps=steps
        )


class LightningFinder(_FinderMethod):
    packages = ("lightning",)
    finder = staticmethod(lightning_suggestion)
    label, module, hint = "Lightning lr_find", "lightning", "pip install -e '.[bench]'"


class FastaiValley(_FinderMethod):
    packages = ("fastai",)
    finder = staticmethod(fastai_valley)
    label, module = "fastai valley", "fastai"
    hint = "pip install --no-deps fastai==2.8.12, see benchmarks/README.md"

    def unavailable(self, bench: BenchTask) -> str | None:
        if loader_length(bench.task.train_loader) is None:  # before the import: no fastai needed
            return (
                "needs len(train_loader) (lr_find plans num_it // len(dls.train) epochs); "
                "this task's loader is a stream without len"
            )
        return super().unavailable(bench)


# --- LR-free optimizers ------------------------------------------------------------------


def _family(bench: BenchTask) -> tuple[bool, float, float]:
    """(Adam-like?, momentum, weight decay) of the task's own optimizer."""
    probe = torch.nn.Parameter(torch.zeros(1))
    defaults = bench.task.make_optimizer([probe], 1e-3).defaults
    adam = "betas" in defaults or "momentum" not in defaults  # RMSprop/Adagrad: Adam-like
    momentum = float(defaults.get("momentum", 0.0) or 0.0)
    return adam, momentum, float(defaults.get("weight_decay", 0.0) or 0.0)


def _constant(optimizer: torch.optim.Optimizer) -> LambdaLR:
    return LambdaLR(optimizer, lambda _: 1.0)


class _LRFree(Method):
    seeded = False  # no search: the same plan for every seed
    module, hint = "", "pip install -e '.[bench]'"

    def code(self) -> tuple[object, ...]:
        return (_family, _constant)

    def unavailable(self, bench: BenchTask) -> str | None:
        return _missing(self.module, self.hint)


class ScheduleFree(_LRFree):
    """Schedule-free AdamW (Adam-like tasks) or SGD at the library's default LR (0.0025 and
    1.0), with the linear warmup its README recommends (here 5% of the run), the task's
    weight decay, and ``optimizer.train()/eval()`` around evaluation (``lrtune.train``)."""

    name = "schedule-free"
    description = "AdamW/SGD schedule-free, library defaults + 5% warmup"
    module, packages = "schedulefree", ("schedulefree",)

    def suggest(self, bench: BenchTask, seed: int, *, device: str = "cpu") -> Plan:
        import schedulefree

        adam, _, wd = _family(bench)
        warmup = shapes.warmup_steps(bench.planned_steps)
        cls = schedulefree.AdamWScheduleFree if adam else schedulefree.SGDScheduleFree

        def setup(model: torch.nn.Module):  # noqa: ANN202
            optimizer = cls(model.parameters(), warmup_steps=warmup, weight_decay=wd)
            return optimizer, _constant(optimizer)

        return Plan(lr=0.0025 if adam else 1.0, setup=setup, note=f"{cls.__name__}")


class Prodigy(_LRFree):
    """Prodigy at ``lr=1.0`` (its default) with the task's weight decay, alone or with the
    cosine annealing over the whole run that its README recommends."""

    module, packages = "prodigyopt", ("prodigyopt",)

    def __init__(self, *, cosine: bool) -> None:
        self.cosine = cosine
        self.name = "Prodigy + cosine" if cosine else "Prodigy"
        self.description = "Prodigy lr=1" + (" with cosine annealing" if cosine else "")

    def suggest(self, bench: BenchTask, seed: int, *, device: str = "cpu") -> Plan:
        from prodigyopt import Prodigy as ProdigyOptimizer

        _, _, wd = _family(bench)
        total = bench.planned_steps

        def setup(model: torch.nn.Module):  # noqa: ANN202
            optimizer = ProdigyOptimizer(model.parameters(), lr=1.0, weight_decay=wd)
            return optimizer, (
                CosineAnnealingLR(optimizer, T_max=total) if self.cosine else _constant(optimizer)
            )

        return Plan(lr=None, setup=setup)


class DAdaptationCosine(_LRFree):
    """D-Adaptation (``DAdaptAdam`` for Adam-like tasks, ``DAdaptSGD`` with the task's
    momentum otherwise) at ``lr=1.0`` with cosine annealing over the run."""

    name = "D-Adaptation + cosine"
    description = "DAdaptAdam/DAdaptSGD lr=1 with cosine annealing"
    module, packages = "dadaptation", ("dadaptation",)

    def suggest(self, bench: BenchTask, seed: int, *, device: str = "cpu") -> Plan:
        import dadaptation

        adam, momentum, wd = _family(bench)
        total = bench.planned_steps

        def setup(model: torch.nn.Module):  # noqa: ANN202
            if adam:
                optimizer = dadaptation.DAdaptAdam(
                    model.parameters(), lr=1.0, weight_decay=wd, decouple=True
                )
            else:
                optimizer = dadaptation.DAdaptSGD(
                    model.parameters(), lr=1.0, momentum=momentum, weight_decay=wd
                )
            return optimizer, CosineAnnealingLR(optimizer, T_max=total)

        return Plan(lr=None, setup=setup)


for _method in (
    LightningFinder("cosine"),
    LightningFinder("onecycle"),
    FastaiValley("cosine"),
    FastaiValley("onecycle"),
    ScheduleFree(),
    Prodigy(cosine=False),
    Prodigy(cosine=True),
    DAdaptationCosine(),
):
    register(_method)
