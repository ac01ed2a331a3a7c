"""A variational autoencoder on the digits: negative ELBO, AdamW.

scikit-learn's bundled ``load_digits`` (1,797 images of 8x8), pixels scaled to [0, 1]; a
fixed split (a permutation with seed 19) of 1,437 for training and 360 for validation. The
encoder (64 -> 128 -> 2 x 8, ELU) gives the posterior's mean and log-variance over 8 latent
dimensions; a sample (the reparameterisation trick, drawn from the torch RNG in training, the
mean in evaluation) goes through the decoder (8 -> 128 -> 64, ELU) to one logit per pixel.
The loss is the negative evidence lower bound per pixel: the Bernoulli cross-entropy of the
pixels plus the KL divergence of the posterior from a standard normal, summed over an image
and divided by its 64 pixels (positive, as the benchmark's ratios need). The model returns
the logits, mean and log-variance side by side. AdamW (weight decay 0.01); batch 32, 20
epochs = 900 steps.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

PIXELS, LATENT = 64, 8


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    x, _ = load_digits(return_X_y=True)
    order = torch.randperm(len(x), generator=torch.Generator().manual_seed(19))
    x = torch.tensor(x, dtype=torch.float32)[order] / 16.0
    return TensorDataset(x[:1437], x[:1437]), TensorDataset(x[1437:], x[1437:])


_TRAIN, _VAL = _tensors()  # cached at import


class _VAE(nn.Module):
    def __init__(self, width: int = 128) -> None:
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(PIXELS, width), nn.ELU(), nn.Linear(width, 2 * LATENT)
        )
        self.decoder = nn.Sequential(nn.Linear(LATENT, width), nn.ELU(), nn.Linear(width, PIXELS))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mean, log_var = self.encoder(x).chunk(2, dim=1)
        log_var = log_var.clamp(-10.0, 10.0)
        z = mean + torch.randn_like(mean) * (0.5 * log_var).exp() if self.training else mean
        return torch.cat([self.decoder(z), mean, log_var], dim=1)


def model() -> nn.Module:
    """A fresh network (initialised from the current torch RNG)."""
    return _VAE()


def criterion(output: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """The negative ELBO per pixel: Bernoulli reconstruction plus the posterior's KL."""
    logits, mean, log_var = output.split([PIXELS, LATENT, LATENT], dim=1)
    reconstruction = F.binary_cross_entropy_with_logits(logits, target, reduction="none").sum(1)
    kl = 0.5 * (mean.pow(2) + log_var.exp() - 1.0 - log_var).sum(1)
    return (reconstruction + kl).mean() / PIXELS


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
epochs = 20


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
