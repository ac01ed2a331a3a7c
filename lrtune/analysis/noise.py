"""How noisy the training loss and the gradient are at the model's current weights: the
loss's relative spread over a few batches, and the gradient noise scale (McCandlish et al.
arXiv 1812.06162).

Example:
    >>> grad_noise_scale(1.0 + 4.0 / 8, 1.0 + 4.0 / 64, 8, 64)
    4.0
"""

from __future__ import annotations

import itertools
import math

import torch

from lrtune.errors import ConfigError
from lrtune.task import Task, move_to_device
from lrtune.train import _batch_len  # one definition of a batch's size

__all__ = ["grad_noise_scale", "measure_noise"]


def grad_noise_scale(
    small_sq_norm: float, big_sq_norm: float, b_small: float, b_big: float
) -> float | None:
    """``B_simple = tr(Σ)/|G|²`` from squared gradient norms at two batch sizes.

    McCandlish et al. (arXiv 1812.06162, appendix A): with ``E|G_B|² = |G|² + tr(Σ)/B``,

    - ``|G|² ≈ (b_big·|G_big|² − b_small·|G_small|²) / (b_big − b_small)``
    - ``tr(Σ) ≈ (|G_small|² − |G_big|²) / (1/b_small − 1/b_big)``

    are unbiased; their ratio is ``B_simple``. A negative ``tr(Σ)`` estimate is clipped to 0;
    when the ``|G|²`` estimate is not positive (noise swamps the signal) the result is ``None``.

    Example:
        >>> grad_noise_scale(1.0 + 4.0 / 8, 1.0 + 4.0 / 64, 8, 64)
        4.0
    """
    if not b_big > b_small > 0:
        raise ConfigError(f"batch sizes: expected 0 < b_small < b_big, got {b_small}, {b_big}")
    g2 = (b_big * big_sq_norm - b_small * small_sq_norm) / (b_big - b_small)
    trace = (small_sq_norm - big_sq_norm) / (1.0 / b_small - 1.0 / b_big)
    if not (math.isfinite(g2) and math.isfinite(trace)) or g2 <= 0:
        return None
    return max(trace, 0.0) / g2


def measure_noise(
    task: Task, device: torch.device, n_batches: int, seed: int
) -> tuple[float | None, float | None]:
    """(loss noise, gradient noise scale) over the first ``n_batches`` batches."""
    model = task.model
    model.to(device)
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    torch.manual_seed(seed)
    losses: list[float] = []
    sizes: list[int] = []
    grad_sum: list[torch.Tensor] | None = None
    small_sq = 0.0
    for batch in itertools.islice(task.train_loader, n_batches):
        batch = move_to_device(batch, device)
        loss = task.loss_fn(model, batch)
        size = _batch_len(batch)
        losses.append(float(loss.detach()))
        sizes.append(size)
        if not params:
            continue
        grads = torch.autograd.grad(loss, params, allow_unused=True)
        grads = [
            torch.zeros_like(p) if g is None else g.detach().double() for p, g in zip(params, grads)
        ]
        small_sq += sum(float(g.pow(2).sum()) for g in grads)
        if grad_sum is None:
            grad_sum = [g * size for g in grads]
        else:
            for acc, g in zip(grad_sum, grads):
                acc.add_(g, alpha=size)
    return _loss_noise(losses), _noise_scale(sizes, small_sq, grad_sum)


def _loss_noise(losses: list[float]) -> float | None:
    if len(losses) < 2 or not all(math.isfinite(v) for v in losses):
        return None
    mean = sum(losses) / len(losses)
    if mean == 0:
        return None
    var = sum((v - mean) ** 2 for v in losses) / (len(losses) - 1)
    return math.sqrt(var) / abs(mean)


def _noise_scale(
    sizes: list[int], small_sq: float, grad_sum: list[torch.Tensor] | None
) -> float | None:
    if len(sizes) < 2 or grad_sum is None:
        return None
    n_big = sum(sizes)
    big_sq = sum(float(g.pow(2).sum()) for g in grad_sum) / n_big**2
    b_small = n_big / len(sizes)
    return grad_noise_scale(small_sq / len(sizes), big_sq, b_small, n_big)
