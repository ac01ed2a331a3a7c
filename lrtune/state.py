"""Snapshot and restore everything a range test touches, bitwise.

:func:`preserved_state` is a context manager: on exit (normal, exception or
Ctrl-C) the model's parameters, buffers, gradients, training flags and device,
the optimizer's state and param-group settings, and the RNG states (torch CPU and
CUDA, numpy, random) are exactly what they were on entry. Snapshots live in host
memory, so a test on the GPU never holds a second copy of the model there. From a CUDA
device they go to pinned (page-locked) memory in asynchronous copies, with one
synchronization per snapshot: PyTorch's pinned-memory cache keeps the buffers for the next
range test, which then pays no page faults (docs/benchmarks.md, "GPU check").

Example:
    >>> import torch
    >>> from torch import nn
    >>> model = nn.Linear(2, 1)
    >>> before = model.weight.clone()
    >>> with preserved_state(model):
    ...     _ = model.weight.data.add_(1.0)
    >>> torch.equal(model.weight, before)
    True
"""

from __future__ import annotations

import copy
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

__all__ = [
    "ModelSnapshot",
    "RngSnapshot",
    "deterministic_kernels",
    "preserved_state",
    "seed_everything",
    "seeded",
    "snapshot_model",
    "snapshot_rng",
    "stream_seed",
]


def _host_copy(tensor: torch.Tensor) -> torch.Tensor:
    """A host copy of ``tensor``; from a CUDA device, an asynchronous copy into pinned
    memory (call :func:`_copies_done` before reading it on the host)."""
    tensor = tensor.detach()
    if tensor.is_cuda:
        try:
            host = torch.empty_like(tensor, device="cpu", pin_memory=True)
        except RuntimeError:  # no page-locked memory left: a plain copy
            return tensor.to("cpu", copy=True)
        return host.copy_(tensor, non_blocking=True)
    return tensor.to("cpu", copy=True)


def _copies_done() -> None:
    """Wait for the asynchronous copies to or from pinned memory (one sync, CUDA only)."""
    if torch.cuda.is_initialized():
        torch.cuda.synchronize()


def _to_host(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return _host_copy(value)
    if isinstance(value, dict):
        return {k: _to_host(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_to_host(v) for v in value)
    return copy.deepcopy(value)


@dataclass(frozen=True)
class ModelSnapshot:
    """Host copies of a module's tensors, with their devices and flags."""

    tensors: dict[str, torch.Tensor]
    devices: dict[str, torch.device]
    grads: dict[str, torch.Tensor | None]
    training: dict[str, bool]

    def restore(self, model: nn.Module) -> None:
        """Write the snapshot back into ``model`` in place (same tensor objects)."""
        with torch.no_grad():
            for name, tensor in _named_tensors(model):
                saved = self.tensors[name]
                if tensor.device != self.devices[name] or tensor.shape != saved.shape:
                    tensor.data = torch.empty_like(saved, device=self.devices[name])
                tensor.data.copy_(saved, non_blocking=True)
        for name, param in model.named_parameters(remove_duplicate=False):
            grad = self.grads[name]
            param.grad = None if grad is None else grad.to(self.devices[name], non_blocking=True)
        for name, module in model.named_modules(remove_duplicate=False):
            module.training = self.training[name]
        _copies_done()


def _named_tensors(model: nn.Module) -> Iterator[tuple[str, torch.Tensor]]:
    yield from model.named_parameters(remove_duplicate=False)
    yield from model.named_buffers(remove_duplicate=False)


def snapshot_model(model: nn.Module) -> ModelSnapshot:
    """Copy parameters and *all* buffers (also non-persistent ones) to host memory."""
    tensors, devices = {}, {}
    for name, tensor in _named_tensors(model):
        tensors[name] = _host_copy(tensor)
        devices[name] = tensor.device
    grads = {
        name: None if p.grad is None else _host_copy(p.grad)
        for name, p in model.named_parameters(remove_duplicate=False)
    }
    training = {name: m.training for name, m in model.named_modules(remove_duplicate=False)}
    _copies_done()
    return ModelSnapshot(tensors, devices, grads, training)


@dataclass(frozen=True)
class RngSnapshot:
    """The state of every random generator a training step may draw from."""

    torch_cpu: torch.Tensor
    torch_cuda: list[torch.Tensor] | None
    numpy: Any
    python: Any

    def restore(self) -> None:
        torch.set_rng_state(self.torch_cpu)
        if self.torch_cuda is not None:
            torch.cuda.set_rng_state_all(self.torch_cuda)
        np.random.set_state(self.numpy)
        random.setstate(self.python)


def snapshot_rng() -> RngSnapshot:
    """Snapshot torch (CPU and, when initialised, CUDA), numpy and ``random`` RNGs."""
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_initialized() else None
    return RngSnapshot(torch.get_rng_state(), cuda, np.random.get_state(), random.getstate())


def seed_everything(seed: int) -> None:
    """Seed torch (CPU and every CUDA device), numpy and ``random`` with ``seed``."""
    torch.manual_seed(seed)
    np.random.seed(seed % 2**32)
    random.seed(seed)


def stream_seed(seed: int, stream: int) -> int:
    """The seed of ``seed``'s ``stream``-th random stream (a range-test repeat, a race's data
    order): ``seed`` itself for stream 0, else a draw from NumPy's ``SeedSequence((seed,
    stream))``, so that two seeds' streams never coincide. With ``seed + stream``, ``--seed
    1``'s first range test was ``--seed 0``'s second: find seeds 0, 1 and 2 shared two of
    their three range tests (docs/suggestion.md, candidate (62)).

    Example:
        >>> stream_seed(7, 0)
        7
        >>> stream_seed(0, 1) in {stream_seed(1, 0), stream_seed(1, 2), stream_seed(2, 0)}
        False
    """
    if stream == 0:
        return seed
    return int(np.random.SeedSequence((seed % 2**64, stream)).generate_state(1)[0])


@contextmanager
def seeded(seed: int | None) -> Iterator[None]:
    """Run the block from ``seed`` (every RNG; nothing when ``None``), then put the caller's
    RNG states back.

    Example:
        >>> with seeded(0):
        ...     a = torch.rand(1)
        >>> with seeded(0):
        ...     b = torch.rand(1)
        >>> torch.equal(a, b)
        True
    """
    if seed is None:
        yield
        return
    rng = snapshot_rng()
    seed_everything(seed)
    try:
        yield
    finally:
        rng.restore()


@contextmanager
def deterministic_kernels(enabled: bool = True) -> Iterator[None]:
    """cuDNN's deterministic algorithms (and no autotuning) inside the block, then the
    caller's settings back.

    On a GPU, some cuDNN kernels (a convolution's weight gradient, for one) sum in a varying
    order: the same seed gave a bundled CNN's gradient noise scale differing in its tenth
    digit (docs/benchmarks.md, "GPU check"). Other CUDA kernels that add atomically can
    still vary; ``torch.use_deterministic_algorithms(True)`` in model.py covers those.

    Example:
        >>> with deterministic_kernels():
        ...     torch.backends.cudnn.deterministic
        True
    """
    if not enabled:
        yield
        return
    cudnn = torch.backends.cudnn
    saved = cudnn.deterministic, cudnn.benchmark
    cudnn.deterministic, cudnn.benchmark = True, False
    try:
        yield
    finally:
        cudnn.deterministic, cudnn.benchmark = saved


@contextmanager
def preserved_state(
    model: nn.Module, optimizer: torch.optim.Optimizer | None = None
) -> Iterator[None]:
    """Restore ``model``, ``optimizer`` and the RNGs on exit, whatever happens inside."""
    rng = snapshot_rng()
    model_snapshot = snapshot_model(model)
    optim_snapshot = _to_host(optimizer.state_dict()) if optimizer is not None else None
    _copies_done()
    try:
        yield
    finally:
        model_snapshot.restore(model)
        if optimizer is not None:
            _restore_optimizer(optimizer, optim_snapshot)
        rng.restore()


def _restore_optimizer(optimizer: torch.optim.Optimizer, saved: dict[str, Any]) -> None:
    """Load ``saved`` back, keeping the optimizer's own tensors' devices and dtypes.

    ``saved`` is used up: the optimizer may keep its host tensors (state on the CPU).
    """
    optimizer.state.clear()  # free the test's state first: never two copies on the device
    optimizer.load_state_dict(saved)
    # load_state_dict casts floating state to the param dtype; keep exact saved values
    # of "step" counters and of param-group entries that were tensors.
    for group, saved_group in zip(optimizer.param_groups, saved["param_groups"]):
        for key, value in saved_group.items():
            if key != "params":
                group[key] = copy.deepcopy(value)
