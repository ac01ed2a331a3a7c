"""An endless stream without a length, run for 2,000 updates: an MLP classifier, Adagrad.

A student MLP learns to classify the samples of a fixed random teacher, batch 32, the run
given as ``max_steps = 2000`` (the zoo's run planned in optimizer updates).

The training loader is a ``DataLoader`` (batch 32) over an ``IterableDataset`` with no
``__len__``: 32-dimensional standard-normal inputs drawn afresh forever, each labelled with
one of 10 classes sampled from the softmax of a fixed random two-layer teacher's logits
(tanh hidden layer of 64; the teacher's own cross-entropy, the floor, is about 1.08 nats).
Every pass over the loader draws one seed from torch's global RNG and streams from it, so a
given torch seed gives the same stream. The run is given as 2,000 optimizer updates
(``max_steps``, no ``epochs``: there are none), the iteration basis (as GraphCast trains).
1,000 validation samples (fixed, drawn apart from the stream). A 32-256-256-10 ReLU MLP
student; cross-entropy loss.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
from torch import nn
from torch.utils.data import DataLoader, IterableDataset, TensorDataset

_D, _HIDDEN, _WIDTH, _CLASSES = 32, 64, 256, 10
_SHARPNESS = 4.0  # teacher logit scale: its labels' entropy is about 1.08 nats
_CHUNK = 256  # samples drawn per teacher pass (the stream yields them one by one)


def _teacher() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    w1 = torch.randn(_D, _HIDDEN, generator=g) / _D**0.5
    w2 = torch.randn(_HIDDEN, _CLASSES, generator=g) / _HIDDEN**0.5
    return w1, w2


_W1, _W2 = _teacher()


def _draw(n: int, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` inputs and their labels, sampled from the teacher's softmax."""
    x = torch.randn(n, _D, generator=g)
    logits = _SHARPNESS * torch.tanh(x @ _W1) @ _W2
    y = torch.multinomial(logits.softmax(-1), 1, generator=g).squeeze(1)
    return x, y


class TeacherStream(IterableDataset):
    """Fresh ``(input, label)`` samples forever; no ``__len__``."""

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        seed = int(torch.randint(0, 2**62, ()).item())  # one draw of the global RNG
        return _samples(torch.Generator().manual_seed(seed))


def _samples(g: torch.Generator) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    while True:
        x, y = _draw(_CHUNK, g)
        yield from zip(x, y, strict=True)


_VAL = TensorDataset(*_draw(1000, torch.Generator().manual_seed(2)))  # cached at import


def model() -> nn.Module:
    """A fresh MLP (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(_D, _WIDTH),
        nn.ReLU(),
        nn.Linear(_WIDTH, _WIDTH),
        nn.ReLU(),
        nn.Linear(_WIDTH, _CLASSES),
    )


train_loader = DataLoader(TeacherStream(), batch_size=32)
val_loader = DataLoader(_VAL, batch_size=1000)
criterion = nn.CrossEntropyLoss()
max_steps = 2000


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adagrad(params, lr=lr)
