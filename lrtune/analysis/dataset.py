"""Dataset and optimizer statistics the recommender reads: sizes, run length, noise (measured
by :mod:`lrtune.analysis.noise`).

:func:`dataset_stats` measures, at the model's current weights, how noisy the training loss
and the gradient are, and reads the planned run length and the optimizer's settings. It
leaves the model (parameters, buffers such as BatchNorm statistics, gradients, training
flags), and the RNGs exactly as they were.

Example:
    >>> import torch
    >>> from torch import nn
    >>> from lrtune.task import make_task
    >>> data = torch.utils.data.TensorDataset(torch.randn(64, 3), torch.randn(64, 1))
    >>> loader = torch.utils.data.DataLoader(data, batch_size=16)
    >>> task = make_task(model=nn.Linear(3, 1), train_loader=loader,
    ...                  criterion=nn.MSELoss(), epochs=10)
    >>> stats = dataset_stats(task, n_batches=4)
    >>> stats.steps_per_epoch, stats.total_steps, stats.passes_per_sample
    (4, 40, 10.0)
    >>> DatasetStats.from_dict(stats.to_dict()) == stats
    True
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import torch

from lrtune.analysis.noise import measure_noise
from lrtune.errors import ConfigError
from lrtune.schedules._base import check_positive_int
from lrtune.state import preserved_state
from lrtune.task import Task

__all__ = ["DatasetStats", "dataset_stats", "run_length"]


def run_length(
    *,
    epochs: int | None,
    steps_per_epoch: int | None,
    batch_size: int | None,
    n_samples: int | None,
) -> tuple[int | None, float | None]:
    """Total optimizer steps and passes per sample of a planned run (``None`` when unknown).

    Example:
        >>> total, passes = run_length(epochs=10, steps_per_epoch=23, batch_size=64, n_samples=1437)
        >>> total, round(passes, 2)
        (230, 10.24)
    """
    total = epochs * steps_per_epoch if epochs is not None and steps_per_epoch is not None else None
    if total is None or not batch_size or not n_samples:
        return total, None
    return total, total * batch_size / n_samples


@dataclass(frozen=True)
class DatasetStats:
    """What the data, the planned run and the optimizer say; ``None`` where unknown.

    Attributes:
        n_samples: training samples (from a ``DataLoader``'s dataset).
        batch_size: samples per batch (from a ``DataLoader``).
        steps_per_epoch: batches per pass over ``train_loader`` (``len(train_loader)``).
        epochs: planned training length in epochs.
        total_steps: ``epochs × steps_per_epoch`` optimizer steps.
        passes_per_sample: ``total_steps × batch_size / n_samples``: how often the run sees
            each sample (≈ ``epochs`` for a plain loader; more or less under a custom sampler).
        loss_noise: relative standard deviation of the training loss across batches at the
            current weights: the sample std (``ddof=1``) of the ``n_batches`` per-batch losses
            over the absolute value of their mean, in ``train()`` mode.
        grad_noise_scale: the simple gradient noise scale ``B_simple = tr(Σ)/|G|²`` (McCandlish
            et al. arXiv 1812.06162), in samples; see :func:`grad_noise_scale`.
        optimizer: the class name of ``task.make_optimizer(params, lr)``.
        momentum: SGD/RMSprop ``momentum`` or the Adam family's ``β1``.
        beta2: the Adam family's ``β2``.
        weight_decay: the first parameter group's ``weight_decay``.
        world_size: data-parallel ranks the run is planned for (``torchrun``): then
            ``batch_size`` is the global batch and ``steps_per_epoch`` is per rank.
        accumulation: micro-batches per optimizer update (``--accumulate``): then
            ``batch_size`` counts the samples of one update and ``steps_per_epoch`` the
            updates, ``ceil(len(train_loader) / accumulation)``.
        max_steps: the planned run in optimizer updates, when it is given that way
            (model.py's ``max_steps``, ``--max-steps``): it is ``total_steps``, and the run is
            planned on the iteration basis (see :attr:`plan`).
    """

    n_samples: int | None = None
    batch_size: int | None = None
    steps_per_epoch: int | None = None
    epochs: int | None = None
    total_steps: int | None = None
    passes_per_sample: float | None = None
    loss_noise: float | None = None
    grad_noise_scale: float | None = None
    optimizer: str | None = None
    momentum: float | None = None
    beta2: float | None = None
    weight_decay: float | None = None
    world_size: int = 1
    accumulation: int = 1
    max_steps: int | None = None

    @property
    def plan(self) -> tuple[int | None, int | None]:
        """``(steps_per_epoch, epochs)`` for the recommender: a run given in updates is one
        "epoch" of ``max_steps`` updates (the iteration basis, as Lightning and HF plan it).

        Example:
            >>> DatasetStats(steps_per_epoch=23, epochs=10).plan
            (23, 10)
            >>> DatasetStats(steps_per_epoch=23, epochs=10).with_max_steps(500).plan
            (500, 1)
        """
        return (self.max_steps, 1) if self.max_steps else (self.steps_per_epoch, self.epochs)

    def with_max_steps(self, max_steps: int) -> DatasetStats:
        """These statistics for a run of ``max_steps`` optimizer updates (it overrides epochs)."""
        check_positive_int("max_steps", max_steps)
        total, passes = run_length(  # one "epoch" of max_steps updates
            epochs=1,
            steps_per_epoch=max_steps,
            batch_size=self.batch_size,
            n_samples=self.n_samples,
        )
        return dataclasses.replace(
            self, max_steps=max_steps, total_steps=total, passes_per_sample=passes
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict (the ``dataset`` part of result.json)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DatasetStats:
        """Inverse of :meth:`to_dict`; unknown keys are ignored (newer result files).

        Raises:
            ConfigError: ``data`` is not a dict.
        """
        if not isinstance(data, dict):
            raise ConfigError(f"dataset: expected a dict, got {type(data).__name__}")
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    def with_epochs(self, epochs: int) -> DatasetStats:
        """These statistics for a run of ``epochs`` epochs (total steps and passes follow)."""
        total, passes = run_length(
            epochs=epochs,
            steps_per_epoch=self.steps_per_epoch,
            batch_size=self.batch_size,
            n_samples=self.n_samples,
        )
        return dataclasses.replace(
            self, epochs=epochs, total_steps=total, passes_per_sample=passes, max_steps=None
        )

    def with_accumulation(self, accumulation: int) -> DatasetStats:
        """These statistics planned in optimizer updates of ``accumulation`` micro-batches.

        Example:
            >>> stats = DatasetStats(n_samples=1000, batch_size=10, steps_per_epoch=100, epochs=2)
            >>> three = stats.with_accumulation(3)
            >>> three.batch_size, three.steps_per_epoch, three.total_steps, three.accumulation
            (30, 34, 68, 3)
        """
        check_positive_int("accumulation", accumulation)
        if accumulation == 1:
            return self
        steps = self.steps_per_epoch
        steps = -(-steps // accumulation) if steps is not None else None
        batch = self.batch_size * accumulation if self.batch_size is not None else None
        return self._rebatched(batch, steps, accumulation=self.accumulation * accumulation)

    def for_ranks(self, world_size: int, *, steps_per_epoch: int | None) -> DatasetStats:
        """These statistics planned for ``world_size`` data-parallel ranks.

        The batch becomes the global batch (per-rank batch × ranks), ``steps_per_epoch`` is
        each rank's (``len`` of its sharded loader); total steps and passes follow.

        Example:
            >>> stats = DatasetStats(n_samples=1024, batch_size=32, steps_per_epoch=32, epochs=2)
            >>> two = stats.for_ranks(2, steps_per_epoch=16)
            >>> two.batch_size, two.steps_per_epoch, two.total_steps, two.passes_per_sample
            (64, 16, 32, 2.0)
        """
        batch = self.batch_size * world_size if self.batch_size is not None else None
        return self._rebatched(batch, steps_per_epoch, world_size=world_size)

    def _rebatched(self, batch: int | None, steps: int | None, **changes: Any) -> DatasetStats:
        """These statistics with another batch per update and steps per epoch: the totals
        follow, and a run given in updates (``max_steps``) keeps its length."""
        total, passes = run_length(
            epochs=self.epochs, steps_per_epoch=steps, batch_size=batch, n_samples=self.n_samples
        )
        changed = dataclasses.replace(
            self,
            batch_size=batch,
            steps_per_epoch=steps,
            total_steps=total,
            passes_per_sample=passes,
            **changes,
        )
        return changed.with_max_steps(self.max_steps) if self.max_steps else changed


def dataset_stats(
    task: Task,
    *,
    epochs: int | None = None,
    device: str | torch.device = "cpu",
    lr: float | None = None,
    n_batches: int = 8,
    seed: int = 0,
) -> DatasetStats:
    """Measure :class:`DatasetStats` for ``task`` at its model's current weights.

    The noise statistics use the first ``n_batches`` batches of ``train_loader`` (drawn after
    ``torch.manual_seed(seed)``, so a shuffling loader gives the same batches each call), in
    ``train()`` mode. The gradient noise scale takes ``B_small`` = one batch (the mean of the
    ``n_batches`` per-batch squared gradient norms) and ``B_big`` = all ``n_batches`` batches
    (the squared norm of their size-weighted mean gradient). The model, its BatchNorm
    statistics and gradients, and the RNGs are restored bitwise on return.

    Args:
        task: the training setup.
        epochs: planned length (default ``task.epochs``).
        device: where to compute the losses and gradients.
        lr: the LR to build the optimizer with when reading its settings (default 1e-3;
            it matters only to factories that derive other settings from it).
        n_batches: batches for the noise statistics (at least 2 to measure any noise).
        seed: seeds the draw of the batches and any dropout.

    Raises:
        ConfigError: ``n_batches`` or ``epochs`` not a positive integer.

    Example:
        >>> import torch
        >>> from torch import nn
        >>> from lrtune.task import make_task
        >>> data = [(torch.randn(8, 2), torch.randn(8, 1)) for _ in range(4)]
        >>> task = make_task(model=nn.Linear(2, 1), train_loader=data, criterion=nn.MSELoss(),
        ...                  optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9))
        >>> stats = dataset_stats(task)
        >>> stats.n_samples, stats.steps_per_epoch, stats.optimizer, stats.momentum
        (None, 4, 'SGD', 0.9)
    """
    check_positive_int("n_batches", n_batches)
    epochs = epochs if epochs is not None else task.epochs
    if epochs is not None:
        check_positive_int("epochs", epochs)
    n_samples, batch_size, steps = task.n_samples, task.batch_size, task.steps_per_epoch
    total, passes = run_length(
        epochs=epochs, steps_per_epoch=steps, batch_size=batch_size, n_samples=n_samples
    )
    with preserved_state(task.model):
        settings = _optimizer_settings(task, lr if lr is not None else 1e-3)
        loss_noise, noise_scale = measure_noise(task, torch.device(device), n_batches, seed)
    return DatasetStats(
        n_samples=n_samples,
        batch_size=batch_size,
        steps_per_epoch=steps,
        epochs=epochs,
        total_steps=total,
        passes_per_sample=passes,
        loss_noise=loss_noise,
        grad_noise_scale=noise_scale,
        **settings,
    )


def _optimizer_settings(task: Task, lr: float) -> dict[str, Any]:
    """Class name, momentum/β1, β2 and weight decay of the task's optimizer."""
    optimizer = task.make_optimizer(list(task.model.parameters()), lr)
    group = optimizer.param_groups[0] if optimizer.param_groups else {}
    betas = group.get("betas")
    momentum = group.get("momentum")
    if betas is not None:
        momentum = betas[0]
    weight_decay = group.get("weight_decay")
    return {
        "optimizer": type(optimizer).__name__,
        "momentum": _float(momentum),
        "beta2": _float(betas[1]) if betas is not None and len(betas) > 1 else None,
        "weight_decay": _float(weight_decay),
    }


def _float(value: Any) -> float | None:
    if value is None:
        return None
    return float(value.item() if isinstance(value, torch.Tensor) else value)
