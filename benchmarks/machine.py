"""The machine's arithmetic, as a fingerprint for the benchmark's cache.

lrtune's runs are cached under its source hash, so unchanged code is not re-run. But re-run
unchanged on another machine, it moved 18 of 80 tasks' figures: float-level differences
between CPUs or library builds move where a sweep or a probe stops on a curve near its edge
(docs/benchmarks.md, the report's history). A comparison between two versions of lrtune is
fair only when both ran on the same arithmetic, so lrtune's cache key carries this
fingerprint too: a machine that computes differently re-runs lrtune's rows, and every lrtune
figure in one report comes from one machine. The peers' rows stay cached (they are the
yardstick, not what is being changed).

The fingerprint hashes the library versions, the vector instructions torch's CPU kernels
dispatch to, and the exact bits of a short seeded computation on one thread: a small MLP and
CNN trained a few steps with SGD and Adam (matrix products, convolutions, tanh), and numpy's
vectorised exp, log and sums.

Example:
    >>> fp = fingerprint()
    >>> len(fp), fp == fingerprint()
    (12, True)
"""

from __future__ import annotations

import hashlib
from functools import cache

import numpy as np
import torch
from torch import nn

__all__ = ["fingerprint"]


@cache
def fingerprint() -> str:
    """12 hex digits that differ between machines whose arithmetic differs (cached)."""
    capability = getattr(torch.backends.cpu, "get_cpu_capability", lambda: "unknown")()
    parts = [torch.__version__, np.__version__, capability, _torch_bits(), _numpy_bits()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:12]


def _torch_bits() -> str:
    """The bits of a short seeded training, on one thread, the caller's RNG and threads kept."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng():
            torch.manual_seed(0)
            mlp = nn.Sequential(nn.Linear(64, 96), nn.Tanh(), nn.Linear(96, 10))
            cnn = nn.Sequential(nn.Conv2d(1, 6, 3), nn.ReLU(), nn.Flatten(), nn.Linear(216, 10))
            x, images = torch.randn(32, 64), torch.randn(32, 1, 8, 8)
            y = torch.randint(0, 10, (32,))
            digest = hashlib.sha256()
            for model, inputs, opt in (
                (mlp, x, torch.optim.SGD(mlp.parameters(), lr=0.1, momentum=0.9)),
                (cnn, images, torch.optim.Adam(cnn.parameters(), lr=0.01)),
            ):
                for _ in range(5):
                    opt.zero_grad()
                    loss = nn.functional.cross_entropy(model(inputs), y)
                    loss.backward()
                    opt.step()
                    digest.update(loss.detach().numpy().tobytes())
                for p in model.parameters():
                    digest.update(p.detach().numpy().tobytes())
            return digest.hexdigest()
    finally:
        torch.set_num_threads(threads)


def _numpy_bits() -> str:
    values = np.random.default_rng(0).uniform(1e-3, 10.0, 4099)
    out = [np.exp(-values), np.log(values), np.tanh(values), values.astype(np.float32) ** 0.5]
    digest = hashlib.sha256(b"".join(a.tobytes() for a in out))
    digest.update(np.float64(values.sum()).tobytes())
    return digest.hexdigest()
