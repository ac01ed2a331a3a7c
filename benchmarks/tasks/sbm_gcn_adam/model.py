"""Node classification on a stochastic-block-model graph: a two-layer GCN, Adam.

Synthetic, deterministic data (a generator seeded with 31): 600 nodes in 4 communities of
150; an edge joins two nodes of the same community with probability 0.04 and of different
ones with probability 0.012, so about half of a node's neighbours share its class. Each node
has 16 features: a weak, noisy signal of its community (a class-mean vector of norm 0.8 plus
unit Gaussian noise), too weak to classify a node alone. The model is a graph convolutional
network (Kipf & Welling 2017): two layers ``A_hat @ X @ W`` with the symmetrically normalised
adjacency ``A_hat = D^-1/2 (A + I) D^-1/2`` (a fixed buffer), width 32, ReLU and dropout
0.2 between them. Each step runs the whole graph and scores a mini-batch of labelled nodes:
the loaders yield node indices and their labels (360 nodes for training, 240 for
validation); cross-entropy. Adam; batch 24, 32 epochs = 480 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

NODES, CLASSES, FEATURES = 600, 4, 16


def _graph() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(31)
    labels = torch.arange(NODES) % CLASSES
    labels = labels[torch.randperm(NODES, generator=g)]
    same = labels[:, None] == labels[None, :]
    p = torch.where(same, torch.tensor(0.04), torch.tensor(0.012))
    upper = torch.triu(torch.rand(NODES, NODES, generator=g) < p, diagonal=1)
    adjacency = (upper | upper.T).float() + torch.eye(NODES)
    scale = adjacency.sum(1).rsqrt()
    a_hat = scale[:, None] * adjacency * scale[None, :]
    means = torch.randn(CLASSES, FEATURES, generator=g)
    means = 0.8 * means / means.norm(dim=1, keepdim=True)
    features = means[labels] + torch.randn(NODES, FEATURES, generator=g)
    order = torch.randperm(NODES, generator=g)
    return a_hat, features, labels, order


_A_HAT, _FEATURES, _LABELS, _ORDER = _graph()  # cached at import
_TRAIN = TensorDataset(_ORDER[:360], _LABELS[_ORDER[:360]])
_VAL = TensorDataset(_ORDER[360:], _LABELS[_ORDER[360:]])


class _GCN(nn.Module):
    def __init__(self, width: int = 32) -> None:
        super().__init__()
        self.register_buffer("a_hat", _A_HAT.clone())
        self.register_buffer("features", _FEATURES.clone())
        self.first = nn.Linear(FEATURES, width)
        self.second = nn.Linear(width, CLASSES)
        self.dropout = nn.Dropout(0.2)

    def forward(self, nodes: torch.Tensor) -> torch.Tensor:
        hidden = torch.relu(self.a_hat @ self.first(self.features))
        logits = self.a_hat @ self.second(self.dropout(hidden))
        return logits[nodes]


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _GCN()


train_loader = DataLoader(_TRAIN, batch_size=24, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=240)
criterion = nn.CrossEntropyLoss()
epochs = 32


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
