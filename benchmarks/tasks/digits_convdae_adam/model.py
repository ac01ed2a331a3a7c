"""Denoising the digits with a convolutional autoencoder: Adam, batch 32.

scikit-learn's ``load_digits`` (1,797 images of 8×8, pixels scaled to [0, 1]); each image
gets one fixed draw of Gaussian noise (σ 0.3, torch seed 59) as its input, and the clean
image is the target. A fixed split (the same seed) of 1,437 for training and 360 for
validation. An encoder of two 3×3 convolutions (16 channels, then 32 at stride 2, ReLU) and
a decoder of a 4×4 transposed convolution back to 8×8 (16 channels, ReLU) and a 3×3
convolution to one channel; mean squared error; Adam; 6 epochs = 270 steps.
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def _tensors() -> tuple[TensorDataset, TensorDataset]:
    g = torch.Generator().manual_seed(59)
    clean = torch.tensor(load_digits().images, dtype=torch.float32).unsqueeze(1) / 16.0
    noisy = clean + 0.3 * torch.randn(clean.shape, generator=g)
    order = torch.randperm(len(clean), generator=g)
    clean, noisy = clean[order], noisy[order]
    return TensorDataset(noisy[:1437], clean[:1437]), TensorDataset(noisy[1437:], clean[1437:])


_TRAIN, _VAL = _tensors()  # cached at import


def model() -> nn.Module:
    """A fresh autoencoder (initialised from the current torch RNG)."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(16, 1, 3, padding=1),
    )


train_loader = DataLoader(_TRAIN, batch_size=32, shuffle=True)
val_loader = DataLoader(_VAL, batch_size=360)
criterion = nn.MSELoss()
epochs = 6


def optimizer(params, lr: float) -> torch.optim.Optimizer:
    return torch.optim.Adam(params, lr=lr)
