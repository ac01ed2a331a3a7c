"""What a task's best constant prediction scores: the floor a stalled run may sink to.

A run that learnt only the targets' mean (a regression's average, a classifier's class
frequencies, an autoencoder's all-zero code) can end far below the untrained model's loss
and still have learnt nothing about its inputs. On sparsecode_lista_adamw, six training
runs at one find seed's peak collapsed to an all-zero code (validation loss 0.060, the
untrained model's 0.079, the grid's best 0.0228) and the harness, comparing with the
untrained loss alone, did not count them as stalled. :func:`constant_loss` fits one
output tensor, the same for every sample, with the task's own ``loss_fn`` and scores it on
the validation set; :meth:`~benchmarks.evaluate.TaskReport.stalled` measures a run's gain
from the better of that and the untrained model.

The fit is L-BFGS on the first :data:`BATCHES` training batches (the problem is convex in
the output for the zoo's losses). A model whose output is not one float tensor, or a
``loss_fn`` that does more than call the model on its inputs, or an output whose shape follows
the batch (a contrastive loss's similarity matrix), has no constant baseline (``None``).
Values are cached in ``benchmarks/trivial_cache.json``, keyed by model.py's hash.

Example:
    >>> from benchmarks import suite
    >>> round(constant_loss(suite.load("lstm_adding_rmsprop")), 3)  # the sum's variance
    0.155
"""

from __future__ import annotations

import copy
import itertools
import json
import math
from pathlib import Path
from typing import Any

import torch
from torch import nn

from benchmarks import suite
from lrtune.task import Task, cycle
from lrtune.train import evaluate

__all__ = ["BATCHES", "CACHE_PATH", "constant_loss", "trivial_loss"]

#: Training batches the constant is fitted on.
BATCHES = 16
CACHE_PATH = Path(__file__).parent / "trivial_cache.json"


class _Constant(nn.Module):
    """One learnt output, repeated for every sample of the batch it is called on."""

    def __init__(self, like: torch.Tensor) -> None:
        super().__init__()
        self.value = nn.Parameter(torch.zeros(like.shape[1:], dtype=like.dtype))

    def forward(self, *args: Any, **kwargs: Any) -> torch.Tensor:
        first = next(a for a in (*args, *kwargs.values()) if isinstance(a, torch.Tensor))
        return self.value.expand(first.shape[0], *self.value.shape)


def constant_loss(bench: suite.BenchTask) -> float | None:
    """The validation loss of the best constant output (``None`` where none applies); the
    task's model and the caller's RNG states are left as they were."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        return _fit(bench.task)


def _fit(task: Task) -> float | None:
    outputs: list[Any] = []
    model = copy.deepcopy(task.model).eval()  # called once, for the output's shape
    model.register_forward_hook(lambda _m, _i, out: outputs.append(out))
    batches = list(itertools.islice(cycle(task.train_loader), BATCHES))
    with torch.no_grad():
        task.loss_fn(model, batches[0])
    if not outputs or not isinstance(outputs[0], torch.Tensor):
        return None
    if not outputs[0].is_floating_point():
        return None
    constant = _Constant(outputs[0])
    optimizer = torch.optim.LBFGS(
        constant.parameters(), lr=1.0, max_iter=100, line_search_fn="strong_wolfe"
    )

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = sum(task.loss_fn(constant, b) for b in batches) / len(batches)
        loss.backward()  # type: ignore[union-attr]
        return loss  # type: ignore[return-value]

    try:
        optimizer.step(closure)
        value = evaluate(task, constant)
    except (RuntimeError, TypeError, ValueError, IndexError, StopIteration):
        # the loss_fn needs more of the model than its output, or an output whose shape
        # follows the batch (infonce_digits_sgd's batch-by-batch similarities)
        return None
    return value if math.isfinite(value) else None


def trivial_loss(bench: suite.BenchTask, cache_path: Path = CACHE_PATH) -> float:
    """:func:`constant_loss`, cached by model.py's hash (``nan`` where none applies)."""
    cache: dict[str, Any] = json.loads(cache_path.read_text()) if cache_path.is_file() else {}
    entry = cache.get(bench.name)
    if entry is None or entry["hash"] != bench.hash:
        value = constant_loss(bench)
        entry = {"hash": bench.hash, "val": value}
        cache[bench.name] = entry
        tmp = cache_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(cache, indent=1, sort_keys=True) + "\n")
        tmp.replace(cache_path)
    return math.nan if entry["val"] is None else float(entry["val"])
