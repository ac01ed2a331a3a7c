"""The range test across processes: ``torchrun`` and ``torch.distributed``, nothing else.

lrtune runs the same range test on every rank of a process group: each rank draws its own
shard of the data, DistributedDataParallel averages the gradients, and the losses the stop
rules read are the all-reduced mean over ranks, so every rank stops at the same step. Rank 0
alone reports. Outside a process group every function here is a no-op.

Example:
    >>> world_size(), rank(), is_main()
    (1, 0, True)
    >>> loader = [1, 2, 3]
    >>> shard_loader(loader, seed=0) is loader  # no process group: the loader as given
    True
"""

from __future__ import annotations

import atexit
import os
import warnings
from collections.abc import Iterable, Iterator
from typing import Any

import torch
import torch.distributed as dist
from torch import nn

__all__ = [
    "ShardedLoader",
    "all_mean",
    "init_from_env",
    "is_distributed",
    "is_main",
    "code_note",
    "plan_reason",
    "rank",
    "shard_loader",
    "world_size",
    "wrap_model",
]


def is_distributed() -> bool:
    """True inside an initialized process group of more than one rank."""
    return dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1


def world_size() -> int:
    """Ranks in the process group (1 outside one)."""
    return dist.get_world_size() if is_distributed() else 1


def rank() -> int:
    """This process's rank (0 outside a process group)."""
    return dist.get_rank() if is_distributed() else 0


def is_main() -> bool:
    """True on the rank that reports (rank 0, or the only process)."""
    return rank() == 0


def init_from_env() -> bool:
    """Join the process group ``torchrun`` describes in the environment, if any.

    Reads ``WORLD_SIZE``, ``RANK`` and ``LOCAL_RANK`` (set by ``torchrun``); uses NCCL on CUDA
    (each rank on ``cuda:LOCAL_RANK``) and gloo on the CPU. Returns True when this call
    joined a group; the group is left when the process exits.
    """
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1 or not dist.is_available():
        return False
    if dist.is_initialized():
        return False
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group("nccl")
    else:
        dist.init_process_group("gloo")
    atexit.register(_leave)
    return True


def _leave() -> None:
    if dist.is_initialized():
        dist.destroy_process_group()


def wrap_model(model: nn.Module, device: torch.device) -> nn.Module:
    """``model`` on ``device`` in DistributedDataParallel (itself outside a process group).

    DDP broadcasts rank 0's weights at construction, so every rank starts the range test from
    the same state; take a snapshot first to restore each rank's own.
    """
    if not is_distributed() or isinstance(model, nn.parallel.DistributedDataParallel):
        return model
    model.to(device)
    if device.type != "cuda":
        return nn.parallel.DistributedDataParallel(model)
    index = device.index if device.index is not None else torch.cuda.current_device()
    return nn.parallel.DistributedDataParallel(model, device_ids=[index])


def all_mean(values: torch.Tensor) -> torch.Tensor:
    """The element-wise mean of ``values`` over ranks (one collective; ``values`` itself
    outside a process group). A NaN on any rank makes the mean NaN on every rank."""
    if not is_distributed():
        return values
    values = values.clone()
    dist.all_reduce(values, op=dist.ReduceOp.SUM)
    return values / dist.get_world_size()


class ShardedLoader:
    """A ``DataLoader`` over this rank's shard that reshuffles on every pass.

    It exposes ``len``, ``dataset``, ``batch_size`` and ``sampler`` like the loader it wraps,
    so lrtune reads the per-rank steps per epoch and the dataset size from it.
    """

    def __init__(self, loader: torch.utils.data.DataLoader) -> None:
        self.loader = loader
        self.dataset = loader.dataset
        self.batch_size = loader.batch_size
        self.sampler = loader.sampler
        self._epoch = 0

    def __len__(self) -> int:
        return len(self.loader)

    def __iter__(self) -> Iterator[Any]:
        self.sampler.set_epoch(self._epoch)  # type: ignore[attr-defined]
        self._epoch += 1
        return iter(self.loader)


def shard_loader(loader: Iterable[Any], *, seed: int | None) -> Iterable[Any]:
    """This rank's shard of ``loader`` inside a process group; ``loader`` itself otherwise.

    A map-style ``DataLoader`` with a plain batch size is rebuilt over a
    ``DistributedSampler`` (shuffled when the original shuffled, seeded by ``seed``, the
    same ``drop_last``, collate function and workers). A loader that already samples
    distributedly is used as it is. Anything else (an iterable dataset, a custom batch
    sampler, a plain iterable) cannot be sharded from outside: each rank iterates it as
    given, with a warning, so it must yield that rank's own data.
    """
    if not is_distributed():
        return loader
    data = torch.utils.data
    if isinstance(loader, data.DataLoader) and isinstance(
        loader.sampler, data.distributed.DistributedSampler
    ):
        return loader
    shardable = (
        isinstance(loader, data.DataLoader)
        and not isinstance(loader.dataset, data.IterableDataset)
        and loader.batch_size is not None
    )
    if not shardable:
        if is_main():
            warnings.warn(
                f"train_loader ({type(loader).__name__}) cannot be sharded by lrtune: every "
                "rank iterates it as given, so it must yield that rank's own data (e.g. a "
                "DataLoader over a DistributedSampler).",
                stacklevel=1,  # one location: the warning shows once per process
            )
        return loader
    sampler = data.distributed.DistributedSampler(
        loader.dataset,
        shuffle=isinstance(loader.sampler, data.RandomSampler),
        seed=seed or 0,
        drop_last=loader.drop_last,
    )
    rebuilt = data.DataLoader(
        loader.dataset,
        batch_size=loader.batch_size,
        sampler=sampler,
        drop_last=loader.drop_last,
        collate_fn=loader.collate_fn,
        num_workers=loader.num_workers,
        pin_memory=loader.pin_memory,
        worker_init_fn=loader.worker_init_fn,
        persistent_workers=loader.persistent_workers if loader.num_workers else False,
    )
    return ShardedLoader(rebuilt)


def plan_reason(world_size: int, batch_size: int | None, steps_per_epoch: int | None) -> Any:
    """The :class:`~lrtune.recommend.Reason` that says how a multi-rank run was planned."""
    from lrtune.recommend import Reason

    per_rank = f"{batch_size // world_size} per rank × {world_size}" if batch_size else "unknown"
    return Reason(
        "distributed",
        f"Planned for {world_size} data-parallel ranks: the global batch is {batch_size} "
        f"({per_rank}) and an epoch is {steps_per_epoch} optimizer steps on each rank "
        "(len(train_loader) over a DistributedSampler); every rank takes the same steps, so "
        "the schedule counts them once.",
        "PyTorch DistributedDataParallel (gradients averaged over ranks); Goyal et al. "
        "arXiv 1706.02677 (the global batch sets the LR)",
    )


def code_note(world_size: int, batch_size: int | None, steps_per_epoch: int | None) -> str:
    """A comment line for emitted code planned for ``world_size`` ranks."""
    return (
        f"# Planned for torchrun with {world_size} ranks: global batch {batch_size}, "
        f"{steps_per_epoch} steps per epoch on each rank (a DistributedSampler); run every rank "
        "with this same schedule.\n"
    )
