"""Metric learning on the digits: an embedding network under a triplet margin loss, SGD.

scikit-learn's bundled ``load_digits`` (1,797 images of 8x8), pixels scaled to [0, 1]; a
fixed split (a permutation with seed 29) of 1,437 images for training and 360 for
validation. Each sample is a triplet drawn once (a generator seeded with 29, within each
split): an anchor, a positive of the same class and a negative of another; 4,000 training
triplets and 800 validation ones. The network (64 -> 128 -> 128 -> 32, ReLU) embeds each of
the three, and the embeddings are normalised to unit length; the loss is the triplet margin
loss with margin 0.5 (``nn.TripletMarginLoss``): zero only when every anchor is nearer its
positive than its negative by the margin. SGD with momentum 0.9; batch 64, 10 epochs = 630
steps.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _triplets(x: torch.Tensor, y: torch.Tensor, count: int, g: torch.Generator) -> TensorDataset:
    anchors = torch.randint(len(y), (count,), generator=g)
    positives, negatives = [], []
    for a in anchors.tolist():
        same = (y == y[a]).nonzero().squeeze(1)
        other = (y != y[a]).nonzero().squeeze(1)
        positives.append(same[torch.randint(len(same), (1,), generator=g)].item())
        negatives.append(other[torch.randint(len(other), (1,), generator=g)].item())
    triplets = torch.stack([x[anchors], x[positives], x[negatives]], dim=1)
    return TensorDataset(triplets, torch.zeros(count))


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = load_digits(return_X_y=True)
    g = torch.Generator().manual_seed(29)
    order = torch.randperm(len(y), generator=g)
    x = torch.tensor(x, dtype=torch.float32)[order] / 16.0
    y = torch.tensor(y, dtype=torch.long)[order]
    train = _triplets(x[:1437], y[:1437], 4000, g)
    return train, _triplets(x[1437:], y[1437:], 800, g)


_TRAIN, _VAL = _tensors()  # cached at import
_TRIPLET = nn.TripletMarginLoss(margin=0.5)


class _Embedding(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 32)
        )

    def forward(self, triplets: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.net(triplets), dim=-1)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _Embedding()


def criterion(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The triplet margin loss of the (anchor, positive, negative) embeddings; ``target`` is
    unused."""
    return _TRIPLET(output[:, 0], output[:, 1], output[:, 2])


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=800)
epochs = 10


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
