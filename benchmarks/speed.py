"""Range-test speed against a bare training loop, measured side by side.

For each task, rounds alternate a bare loop (zero_grad, forward, loss, backward,
step, nothing else) and :func:`lrtune.rangetest.range_test` over the same number of
steps, on the same model, optimizer and data; the figure is the median over rounds
of the ratio of their steps per second (the whole ``range_test`` call is timed,
snapshot and restore included). The sweep stays at small LRs so neither stops early.

Usage:
    python -m benchmarks.speed [--device cuda] [--steps 200] [--rounds 7]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from lrtune.model_file import load_task
from lrtune.rangetest import Amp, RangeTestConfig, range_test, resolve_device
from lrtune.rangetest._runner import _amp_setup
from lrtune.task import Task, cycle, move_to_device

__all__ = ["SpeedResult", "bare_loop", "measure", "run"]

ROOT = Path(__file__).resolve().parents[1]
TASKS = {
    "digits_cnn (SGD)": ROOT / "examples" / "digits_cnn" / "model.py",
    "text_transformer (AdamW)": ROOT / "examples" / "text_transformer" / "model.py",
}


@dataclass(frozen=True)
class SpeedResult:
    task: str
    device: str
    steps: int
    bare_steps_per_s: float
    range_test_steps_per_s: float  # the whole call: snapshot, loop, restore
    loop_steps_per_s: float  # the loop alone (RangeTestResult.seconds)
    ratios: tuple[float, ...]

    @property
    def median_ratio(self) -> float:
        return statistics.median(self.ratios)


def bare_loop(
    task: Task, optimizer: torch.optim.Optimizer, steps: int, device, amp: Amp = "off"
) -> float:
    """Steps per second of a plain training loop (autocast and a GradScaler as ``amp`` says,
    resolved as the range test resolves it)."""
    model = task.model
    batches = cycle(task.train_loader)
    model.train()
    dtype, scaler = _amp_setup(amp, device)
    autocast = (
        (lambda: torch.autocast(device.type, dtype=dtype)) if dtype else contextlib.nullcontext
    )
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        optimizer.zero_grad(set_to_none=True)
        with autocast():
            loss = task.loss_fn(model, move_to_device(next(batches), device))
        if scaler is None:
            loss.backward()
            optimizer.step()
        else:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return steps / (time.perf_counter() - start)


def measure(
    task: Task,
    name: str,
    *,
    device: str = "cpu",
    steps: int = 200,
    rounds: int = 7,
    amp: Amp = "off",
) -> SpeedResult:
    """Interleave ``rounds`` bare loops and range tests of ``steps`` steps each."""
    dev = resolve_device(device)
    task.model.to(dev)
    optimizer = task.make_optimizer(task.model.parameters(), 1e-5)
    config = RangeTestConfig(start_lr=1e-7, end_lr=1e-5, num_iter=steps, device=str(dev), amp=amp)
    bare_loop(task, optimizer, 10, dev, amp)  # warm up kernels and allocator
    bare, tested, loop, ratios = [], [], [], []
    for _ in range(rounds):
        b = bare_loop(task, optimizer, steps, dev, amp)
        start = time.perf_counter()
        result = range_test(
            task.model, optimizer, task.train_loader, loss_fn=task.loss_fn, config=config
        )
        if dev.type == "cuda":
            torch.cuda.synchronize()
        r = result.steps / (time.perf_counter() - start)
        bare.append(b)
        tested.append(r)
        loop.append(result.steps / result.seconds)
        ratios.append(r / b)
    return SpeedResult(
        task=name,
        device=str(dev),
        steps=steps,
        bare_steps_per_s=statistics.median(bare),
        range_test_steps_per_s=statistics.median(tested),
        loop_steps_per_s=statistics.median(loop),
        ratios=tuple(ratios),
    )


def run(*, device: str = "cpu", quick: bool = False) -> str:
    """Measure every task and return a Markdown table (used by ``python -m benchmarks run``)."""
    rows = [
        "| task | device | steps | bare loop steps/s | range test steps/s | median ratio "
        "| min–max ratio |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, path in TASKS.items():
        task = load_task(path)
        res = measure(
            task, name, device=device, steps=100 if quick else 200, rounds=5 if quick else 9
        )
        rows.append(
            f"| {res.task} | {res.device} | {res.steps} | {res.bare_steps_per_s:.1f} | "
            f"{res.range_test_steps_per_s:.1f} | **{res.median_ratio:.3f}** | "
            f"{min(res.ratios):.3f}–{max(res.ratios):.3f} |"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    print(run(device=args.device, quick=args.quick))


if __name__ == "__main__":
    main()
