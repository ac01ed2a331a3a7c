"""Wine cultivars with a feature-tokenizer transformer: RMSprop, batch 16.

scikit-learn's bundled ``load_wine`` (178 wines, 13 chemical measurements, 3 cultivars): a
fixed split (a permutation with seed 5) of 138 for training and 40 for validation,
standardised with the training split's statistics. Each measurement becomes a token, its value
times a learned vector plus a learned bias per feature (an FT-Transformer's tokenizer); a
learned [CLS] token is prepended, two pre-norm transformer encoder layers (width 32, 4 heads,
feed-forward 64, no dropout) read the 14 tokens, and the [CLS] output gives three logits.
Cross-entropy; RMSprop; 40 epochs = 360 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_wine
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

_WIDTH = 32


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, y = load_wine(return_X_y=True)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(5))
    x = torch.tensor(x, dtype=torch.float32)[order]
    y = torch.tensor(y, dtype=torch.long)[order]
    train, val = x[:138], x[138:]
    mean, std = train.mean(0), train.std(0)
    return (
        TensorDataset((train - mean) / std, y[:138]),
        TensorDataset((val - mean) / std, y[138:]),
    )


_TRAIN, _VAL = _tensors()  # cached at import


class _FeatureTransformer(nn.Module):
    """Per-feature tokens and a [CLS] token through two pre-norm encoder layers."""

    def __init__(self, n_features: int = 13) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.randn(n_features, _WIDTH) / _WIDTH**0.5)
        self.shift = nn.Parameter(torch.zeros(n_features, _WIDTH))
        self.cls = nn.Parameter(torch.randn(1, 1, _WIDTH) / _WIDTH**0.5)
        layer = nn.TransformerEncoderLayer(
            _WIDTH, 4, dim_feedforward=64, dropout=0.0, batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = nn.Sequential(nn.LayerNorm(_WIDTH), nn.Linear(_WIDTH, 3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        tokens = x.unsqueeze(-1) * self.scale + self.shift
        tokens = torch.cat([self.cls.expand(len(x), -1, -1), tokens], dim=1)
        return self.head(self.encoder(tokens)[:, 0])


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _FeatureTransformer()


train_loader = DataLoader(_TRAIN, batch_size=16, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=40)
criterion = nn.CrossEntropyLoss()
epochs = 40


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.RMSprop(params, lr=lr)
