"""Contrastive representation learning: an MLP encoder embeds two augmented views of each
handwritten digit, and the InfoNCE loss asks each view to pick its partner out of the batch,
SGD with momentum.

scikit-learn's 8x8 ``load_digits`` (1,797 images), standardised; 1,437 for training and 360
for validation (fixed split, ``numpy.random.RandomState(107)``). Each image gets two fixed
views: shifted by up to one pixel each way and with Gaussian noise of standard deviation 0.3.
The encoder (64-128-128-32, ReLU) embeds both views onto the unit sphere; the network returns
the batch's similarity matrix at temperature 0.2, and the criterion is the cross-entropy of
each row against its own column (the target is unused). SGD (momentum 0.9, weight decay
5e-4); batch 64, 20 epochs = 460 steps.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

TEMPERATURE = 0.2


def _view(images: np.ndarray, rng: np.random.RandomState) -> np.ndarray:
    out = np.empty_like(images)
    for i, image in enumerate(images):
        dy, dx = rng.randint(-1, 2, size=2)
        out[i] = np.roll(np.roll(image, dy, axis=0), dx, axis=1)
    out += 0.3 * rng.standard_normal(out.shape)
    return out.reshape(len(out), -1)


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    digits = load_digits()
    images = digits.images.astype(np.float64)
    images = (images - images.mean()) / images.std()
    rng = np.random.RandomState(107)
    order = rng.permutation(len(images))
    pairs = np.stack([_view(images, rng), _view(images, rng)], axis=1)[order]
    xt = torch.tensor(pairs, dtype=torch.float32)
    zeros = torch.zeros(len(xt))
    return TensorDataset(xt[360:], zeros[360:]), TensorDataset(xt[:360], zeros[:360])


_TRAIN, _VAL = _tensors()  # cached at import


class PairSimilarity(nn.Module):
    """Embeds both views of each image; returns the (batch, batch) similarity logits."""

    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 32)
        )

    def forward(self, pairs: torch.Tensor) -> torch.Tensor:
        first = F.normalize(self.encoder(pairs[:, 0]), dim=1)
        second = F.normalize(self.encoder(pairs[:, 1]), dim=1)
        return first @ second.T / TEMPERATURE


class InfoNCE(nn.Module):
    """Cross-entropy of each row of the similarity matrix against its own column."""

    def forward(self, logits: torch.Tensor, _target: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(logits, torch.arange(len(logits), device=logits.device))


def model() -> nn.Module:
    """A fresh encoder (initialised from the current torch RNG)."""
    return PairSimilarity()


train_loader = DataLoader(_TRAIN, batch_size=64, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = InfoNCE()
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=5e-4)
