"""A tiny regression task for the torchrun tests: the same samples whatever the batch split.

``LRTUNE_TEST_BATCH`` sets the per-process batch (16 per rank under 2 ranks matches 32 in
one process); the loader does not shuffle, so 2 ranks over a DistributedSampler see, step
by step, exactly the samples one process sees in its batch of 32.
"""

import os

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
_gen = torch.Generator().manual_seed(1)
_x = torch.randn(256, 8, generator=_gen)
_y = _x @ torch.randn(8, 1, generator=_gen) + 0.1 * torch.randn(256, 1, generator=_gen)

model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
train_loader = DataLoader(
    TensorDataset(_x, _y), batch_size=int(os.environ.get("LRTUNE_TEST_BATCH", "16"))
)
criterion = nn.MSELoss()
epochs = 5


def optimizer(params, lr):
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
