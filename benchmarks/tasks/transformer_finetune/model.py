"""Fine-tuning a pretrained transformer: which stdlib module does a snippet come from?
AdamW (β2 0.98), batch 16.

The backbone is ``transformer_lm_scratch``'s ``CharTransformer``, pretrained as a character
LM on other stdlib sources by :func:`pretrain` (deterministic, about 20 s on one core; the
checkpoint ``pretrained.pt`` is committed and rebuilt when missing: ``python
benchmarks/tasks/transformer_finetune/model.py``). The task: 48-character snippets of four
modules (``typing``, ``calendar``, ``tarfile``, ``email.message``), 200 per class for
training and 100 for validation (fixed), mean-pooled features → a new linear head,
cross-entropy; 3 epochs = 150 steps. Fine-tuning is where range tests suggest LRs far too
high (transformers issue #16013).
"""

from __future__ import annotations

import calendar
import email.message
import importlib.util
import inspect
import tarfile
import typing
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

_HERE = Path(__file__).resolve().parent
CHECKPOINT = _HERE / "pretrained.pt"


def _backbone_module():
    """``transformer_lm_scratch/model.py``, loaded by path (it defines the architecture)."""
    path = _HERE.parent / "transformer_lm_scratch" / "model.py"
    spec = importlib.util.spec_from_file_location("_lrtune_zoo_char_transformer", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_LM = _backbone_module()


def pretrain(steps: int = 1500, seed: int = 0) -> dict[str, torch.Tensor]:
    """Train the backbone as a character LM on ``argparse``, ``collections`` and ``json``
    sources (AdamW 2e-3, cosine, batch 32) and save it to :data:`CHECKPOINT`."""
    import argparse
    import collections
    import json.decoder

    text = "".join(inspect.getsource(m) for m in (argparse, collections, json.decoder))
    chunks = _LM.windows(text, _LM.SEQ + 1)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        net = _LM.CharTransformer()
        opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=0.01)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps)
        for _ in range(steps):
            batch = chunks[torch.randint(0, len(chunks), (32,))]
            loss = F.cross_entropy(
                net(batch[:, :-1]).reshape(-1, _LM.VOCAB), batch[:, 1:].reshape(-1)
            )
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    state = net.state_dict()
    torch.save(state, CHECKPOINT)
    return state


def _pretrained() -> dict[str, torch.Tensor]:
    if not CHECKPOINT.is_file():
        return pretrain()
    return torch.load(CHECKPOINT, weights_only=True)


_STATE = _pretrained()  # cached at import


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    xs, ys = [], []
    for label, source in enumerate((typing, calendar, tarfile, email.message)):
        snippets = _LM.windows(inspect.getsource(source), _LM.SEQ)
        pick = torch.randperm(len(snippets), generator=torch.Generator().manual_seed(label))
        xs.append(snippets[pick[:300]])
        ys.append(torch.full((300,), label))
    x, y = torch.stack(xs, 1), torch.stack(ys, 1)  # (300, 4, SEQ): classes interleaved
    train = TensorDataset(x[:200].reshape(-1, _LM.SEQ), y[:200].reshape(-1))
    val = TensorDataset(x[200:].reshape(-1, _LM.SEQ), y[200:].reshape(-1))
    return train, val


_TRAIN, _VAL = _tensors()  # cached at import


class SnippetClassifier(nn.Module):
    """The pretrained backbone's mean-pooled features → a linear head over 4 modules."""

    def __init__(self) -> None:
        super().__init__()
        self.backbone = _LM.CharTransformer()
        self.backbone.load_state_dict(_STATE)
        self.head = nn.Linear(self.backbone.embed.embedding_dim, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone.features(x).mean(1))


def model() -> nn.Module:
    """The pretrained backbone with a fresh head (initialised from the current torch RNG)."""
    return SnippetClassifier()


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=400)
criterion = nn.CrossEntropyLoss()
epochs = 3


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.98), weight_decay=0.01)


if __name__ == "__main__":
    pretrain()
    print(f"wrote {CHECKPOINT}")
