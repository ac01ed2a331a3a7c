"""The GPU check: no host sync per step, speed and device memory against a bare loop, and
``lrtune find`` end to end on CUDA.

1. **Host syncs.** The range test runs under ``torch.cuda.set_sync_debug_mode("warn")`` and
   every synchronizing CUDA call is counted, for ``N`` and ``2N`` steps; the extra syncs per
   extra step must be the periodic divergence check's, ``1/check_every``, and no more.
2. **Speed.** Bare loops and range tests alternate over the same steps (``benchmarks.speed``);
   the figure is the median ratio of steps per second, without AMP, with bf16 autocast, and
   with fp16 autocast and a GradScaler (target ≥ 0.98).
3. **Memory.** Peak device memory of the range test against the bare loop on the same model
   and optimizer (target ≤ +5%: the snapshot lives in host memory, no second copy on the GPU).
4. **End to end.** ``lrtune find --seed 0`` on the bundled examples with ``--device cuda``,
   twice each: the two result.json files must be identical, timings aside.

Its section of docs/benchmarks.md is replaced in place (``python -m benchmarks run`` keeps it).

Usage:
    python -m benchmarks gpu                      # on a CUDA machine
    python -m benchmarks gpu --device cpu --tiny  # the harness itself, on a CPU (no figures)
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch
from torch import nn

from benchmarks.speed import bare_loop, measure
from lrtune.rangetest import RangeTestConfig, range_test, resolve_device
from lrtune.task import Task, make_task

__all__ = ["BEGIN", "END", "first_difference", "run", "section_of", "with_section"]

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- gpu-check:begin -->", "<!-- gpu-check:end -->"
EXAMPLES = ("digits_cnn", "text_transformer")
CHECK_EVERY = 10


def _tasks(device: torch.device, tiny: bool) -> dict[str, Task]:
    """Two device-resident synthetic tasks: the data loader is never the bottleneck."""
    torch.manual_seed(0)
    width, batch, n_batches = (32, 16, 4) if tiny else (2048, 512, 16)
    xs = [torch.randn(batch, width, device=device) for _ in range(n_batches)]
    ys = [torch.randint(0, 10, (batch,), device=device) for _ in range(n_batches)]
    layers: list[nn.Module] = []
    for _ in range(4):
        layers += [nn.Linear(width, width), nn.GELU()]
    mlp = make_task(
        model=nn.Sequential(*layers, nn.Linear(width, 10)).to(device),
        train_loader=list(zip(xs, ys)),
        criterion=nn.CrossEntropyLoss(),
        optimizer=lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9),
    )
    d, seq, vocab, lm_batch = (32, 16, 64, 4) if tiny else (512, 128, 256, 32)
    tokens = [torch.randint(0, vocab, (lm_batch, seq + 1), device=device) for _ in range(8)]
    lm = _LM(vocab, d, seq).to(device)

    def lm_loss(model: nn.Module, batch: torch.Tensor) -> torch.Tensor:
        logits = model(batch[:, :-1])
        return nn.functional.cross_entropy(logits.reshape(-1, vocab), batch[:, 1:].reshape(-1))

    transformer = make_task(
        model=lm,
        train_loader=tokens,
        loss_fn=lm_loss,
        optimizer=lambda p, lr: torch.optim.AdamW(p, lr=lr, weight_decay=0.1),
    )
    return {
        f"MLP 4×{width}, batch {batch} (SGD)": mlp,
        f"pre-LN transformer LM d={d}, 4 layers, {lm_batch}×{seq} tokens (AdamW)": transformer,
    }


class _LM(nn.Module):
    def __init__(self, vocab: int, d: int, seq: int) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.pos = nn.Parameter(torch.zeros(seq, d))
        layer = nn.TransformerEncoderLayer(d, 8, 4 * d, dropout=0.0, batch_first=True)
        layer.norm_first = True
        self.body = nn.TransformerEncoder(layer, 4, enable_nested_tensor=False)
        self.head = nn.Linear(d, vocab)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(seq))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens) + self.pos[: tokens.shape[1]]
        return self.head(self.body(h, mask=self.mask, is_causal=True))


def _config(device: torch.device, steps: int, amp: str) -> RangeTestConfig:
    return RangeTestConfig(
        start_lr=1e-7,
        end_lr=1e-5,
        num_iter=steps,
        device=str(device),
        amp=amp,  # type: ignore[arg-type]
        check_every=CHECK_EVERY,
    )


def _syncs(task: Task, device: torch.device, steps: int, amp: str) -> int:
    """Synchronizing CUDA calls in one range test of ``steps`` steps."""
    optimizer = task.make_optimizer(task.model.parameters(), 1e-7)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("warn")
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            range_test(
                task.model,
                optimizer,
                task.train_loader,
                loss_fn=task.loss_fn,
                config=_config(device, steps, amp),
            )
    finally:
        torch.cuda.set_sync_debug_mode(0)
    return sum("synchroniz" in str(w.message) for w in caught)


def sync_rows(tasks: dict[str, Task], device: torch.device, steps: int) -> list[str]:
    rows = [
        f"| task | amp | syncs in {steps} steps | in {2 * steps} steps | extra syncs per step "
        f"| allowed (1/check_every) | verdict |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for name, task in tasks.items():
        for amp in ("off", "bf16"):
            short, long = _syncs(task, device, steps, amp), _syncs(task, device, 2 * steps, amp)
            per_step = (long - short) / steps
            ok = per_step <= 1 / CHECK_EVERY + 1e-9
            rows.append(
                f"| {name} | {amp} | {short} | {long} | {per_step:.3f} | {1 / CHECK_EVERY:.3f} "
                f"| {'**pass**' if ok else '**FAIL**'} |"
            )
    return rows


def speed_rows(tasks: dict[str, Task], device: torch.device, steps: int, rounds: int) -> list[str]:
    """The whole range-test call against a bare loop, and its loop alone: the difference is
    the fixed cost of the snapshot and the restore."""
    rows = [
        "| task | amp | bare loop steps/s | range test steps/s | median ratio | min–max "
        "| verdict | loop alone steps/s | loop alone ratio |",
        "|---|---|---:|---:|---:|---:|---|---:|---:|",
    ]
    amps = ("off", "bf16", "fp16") if device.type == "cuda" else ("off",)
    for name, task in tasks.items():
        for amp in amps:
            res = measure(task, name, device=str(device), steps=steps, rounds=rounds, amp=amp)
            verdict = "**pass**" if res.median_ratio >= 0.98 else "**below 0.98**"
            rows.append(
                f"| {name} | {amp if amp != 'fp16' else 'fp16 + GradScaler'} "
                f"| {res.bare_steps_per_s:.1f} | {res.range_test_steps_per_s:.1f} "
                f"| **{res.median_ratio:.3f}** | {min(res.ratios):.3f}–{max(res.ratios):.3f} "
                f"| {verdict} | {res.loop_steps_per_s:.1f} "
                f"| {res.loop_steps_per_s / res.bare_steps_per_s:.3f} |"
            )
    return rows


def memory_rows(tasks: dict[str, Task], device: torch.device, steps: int) -> list[str]:
    rows = [
        "| task | model + optimizer state MiB | bare loop peak MiB | range test peak MiB "
        "| ratio | verdict |",
        "|---|---:|---:|---:|---:|---|",
    ]
    mib = 2**20
    for name, task in tasks.items():
        optimizer = task.make_optimizer(task.model.parameters(), 1e-7)
        bare_loop(task, optimizer, 3, device)  # optimizer state exists for both runs
        torch.cuda.synchronize()
        resident = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
        bare_loop(task, optimizer, steps, device)
        bare = torch.cuda.max_memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
        range_test(
            task.model,
            optimizer,
            task.train_loader,
            loss_fn=task.loss_fn,
            config=_config(device, steps, "off"),
        )
        tested = torch.cuda.max_memory_allocated(device)
        ratio = tested / bare
        rows.append(
            f"| {name} | {resident / mib:.1f} | {bare / mib:.1f} | {tested / mib:.1f} "
            f"| **{ratio:.3f}** | {'**pass**' if ratio <= 1.05 else '**above +5%**'} |"
        )
    return rows


def _find(name: str, device: torch.device, out: str) -> tuple[dict | str, float]:
    """``lrtune find`` on a bundled example: its result.json (timings dropped) or its error."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "lrtune", "find", f"examples/{name}/model.py"]
        + ["--device", str(device), "--out", out, "--check", "0", "--seed", "0"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1], seconds
    result = json.loads((Path(out) / "result.json").read_text())
    for run in result["range_test"]:
        run.pop("seconds")  # the only timing in result.json
    return result, seconds


def first_difference(a: object, b: object, path: str = "") -> str | None:
    """The first place where two JSON values differ, as a dotted path, or None.

    >>> first_difference({"x": [1, 2]}, {"x": [1, 3]})
    'x[1]: 2 != 3'
    """
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            where = f"{path}.{key}" if path else key
            if key not in a or key not in b:
                return f"{where}: only in one"
            found = first_difference(a[key], b[key], where)
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} != {len(b)} items"
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found:
                return found
        return None
    return None if a == b else f"{path}: {a!r:.40} != {b!r:.40}"


def find_rows(device: torch.device) -> list[str]:
    """``lrtune find --seed 0`` twice on each example: what it proposes, and whether the two
    result.json files are identical, timings aside (the promise of docs/cli.md's --seed)."""
    rows = [
        "| example | device | amp | suggested LR | schedule | seconds | same result.json twice |",
        "|---|---|---|---:|---|---:|---|",
    ]
    for name in EXAMPLES:
        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            result, seconds = _find(name, device, first)
            again, _ = _find(name, device, second)
        if isinstance(result, str) or isinstance(again, str):
            error = result if isinstance(result, str) else again
            rows.append(f"| {name} | – | – | – | failed: {error} | {seconds:.1f} | – |")
            continue
        diff = first_difference(result, again)
        run, rec = result["range_test"][0], result["recommendation"]
        rows.append(
            f"| {name} | {run['device']} | {run['amp']} | "
            f"{result['analysis']['suggested_lr']:.3g} | {rec['scheduler']} "
            f"({rec['basis']}) from {rec['initial_lr']:.3g} | {seconds:.1f} | "
            f"{'**yes**' if diff is None else f'**no**: `{diff}`'} |"
        )
    return rows


def run(*, device: str = "cuda", tiny: bool = False, steps: int = 200, rounds: int = 7) -> str:
    """Every check on ``device``; returns the Markdown section (with its markers)."""
    dev = resolve_device(device)
    tasks = _tasks(dev, tiny)
    name = torch.cuda.get_device_name(dev) if dev.type == "cuda" else "CPU (harness check only)"
    lines = [
        BEGIN,
        "## GPU check",
        "",
        f"Generated by `python -m benchmarks gpu` on {time.strftime('%Y-%m-%d %H:%M')}: "
        f"{name}, torch {torch.__version__}. Method: the module docstring of "
        "`benchmarks/gpu.py`.",
        "",
    ]
    if dev.type == "cuda":
        lines += ["### Host synchronizations", "", *sync_rows(tasks, dev, steps), ""]
    lines += ["### Steps per second against a bare loop", ""]
    lines += [*speed_rows(tasks, dev, steps, rounds), ""]
    if dev.type == "cuda":
        lines += ["### Peak device memory", "", *memory_rows(tasks, dev, steps), ""]
        lines += ["### `lrtune find` end to end", "", *find_rows(dev), ""]
    lines.append(END)
    return "\n".join(lines)


def section_of(text: str) -> str | None:
    """The GPU section inside a docs/benchmarks.md text, markers included, if any."""
    start, end = text.find(BEGIN), text.find(END)
    return text[start : end + len(END)] if 0 <= start < end else None


def with_section(text: str, section: str) -> str:
    """``text`` with its GPU section replaced by ``section`` (appended when absent)."""
    old = section_of(text)
    if old is not None:
        return text.replace(old, section)
    return text.rstrip("\n") + "\n\n" + section + "\n"


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m benchmarks gpu", description=__doc__)
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--tiny", action="store_true", help="tiny models: a harness check")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--doc", type=Path, default=DOC, help="where the section goes")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    args = parser.parse_args(argv)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        print("gpu check: CUDA is not available here; nothing measured.", file=sys.stderr)
        return 2
    section = run(device=args.device, tiny=args.tiny, steps=args.steps, rounds=args.rounds)
    print(section)
    if not args.no_doc:
        doc = args.doc
        doc.write_text(with_section(doc.read_text() if doc.exists() else "", section))
        print(f"wrote its section of {doc}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
