"""Multi-label topics from word counts with an embedding bag: RMSprop, batch 32.

scikit-learn's ``make_multilabel_classification`` (3,000 documents over a vocabulary of 300
words, 8 labels, about 2 per document, document length about 40, random_state 73): each
document's word counts. A fixed split of 2,500 for training and 500 for validation. Each
document is the count-weighted mean of 32-dimensional word embeddings (``nn.EmbeddingBag``,
``per_sample_weights``), then a hidden layer of 64 (ReLU) and one logit per label; binary
cross-entropy; RMSprop; 6 epochs = 474 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import make_multilabel_classification
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_VOCAB = 300


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = make_multilabel_classification(
        n_samples=3000,
        n_features=_VOCAB,
        n_classes=8,
        n_labels=2,
        length=40,
        random_state=73,
    )
    x = torch.tensor(x, dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32)
    return TensorDataset(x[:2500], y[:2500]), TensorDataset(x[2500:], y[2500:])


_TRAIN, _VAL = _tensors()  # cached at import


class _BagClassifier(nn.Module):
    """Count-weighted mean of word embeddings, an MLP head, one logit per label."""

    def __init__(self) -> None:
        super().__init__()
        self.bag = nn.EmbeddingBag(_VOCAB, 32, mode="sum")
        self.head = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 8))

    def forward(self, counts: torch.Tensor) -> torch.Tensor:
        rows, words = counts.nonzero(as_tuple=True)
        weights = counts[rows, words] / counts.sum(1).clamp(min=1)[rows]
        offsets = torch.searchsorted(rows, torch.arange(len(counts), device=counts.device))
        return self.head(self.bag(words, offsets, per_sample_weights=weights))


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _BagClassifier()


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=500)
criterion = nn.BCEWithLogitsLoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
