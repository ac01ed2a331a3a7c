"""Heteroscedastic regression: an MLP predicts a mean and a log-variance, Gaussian NLL, Adam.

Synthetic, deterministic data (a generator seeded with 23): 1,600 inputs of 6 features drawn
uniformly in [-2, 2]; the target is ``sin(2 x0) + x1 * x2 - 0.5 x3 ** 2`` plus Gaussian noise
whose standard deviation grows with the input, ``0.05 + 0.4 |x4|``. 1,280 samples for
training, 320 for validation. An MLP (6 -> 96 -> 96 -> 2, GELU) whose two outputs are the
mean and the log-variance; the loss is the Gaussian negative log-likelihood
(``nn.GaussianNLLLoss(full=True)`` on the variance ``exp(log_var)``, its constant
``0.5 log(2 pi)`` included so that the loss stays positive, as the benchmark's ratios need),
so the model must learn where the data are noisy as well as their mean. Adam; batch 32, 25
epochs = 1,000 steps.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(23)
    x = torch.rand(1600, 6, generator=g) * 4 - 2
    mean = torch.sin(2 * x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] ** 2
    std = 0.05 + 0.4 * x[:, 4].abs()
    y = (mean + std * torch.randn(1600, generator=g)).unsqueeze(1)
    return TensorDataset(x[:1280], y[:1280]), TensorDataset(x[1280:], y[1280:])


_TRAIN, _VAL = _tensors()  # cached at import
_NLL = nn.GaussianNLLLoss(full=True)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Linear(6, 96), nn.GELU(), nn.Linear(96, 96), nn.GELU(), nn.Linear(96, 2)
    )


def criterion(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Gaussian NLL of ``target`` under the predicted mean and log-variance."""
    mean, log_var = output[:, :1], output[:, 1:].clamp(-10.0, 10.0)
    return _NLL(mean, target, log_var.exp())


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=320)
epochs = 25


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
