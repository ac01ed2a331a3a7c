"""A small CNN on scikit-learn's bundled 8x8 digits, trained with SGD + momentum 0.9.

Run ``lrtune find examples/digits_cnn/model.py``.
"""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

epochs = 10

_x, _y = load_digits(return_X_y=True)
_x = torch.tensor(_x / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
_y = torch.tensor(_y, dtype=torch.long)
_x_train, _x_val, _y_train, _y_val = train_test_split(
    _x, _y, test_size=0.2, random_state=0, stratify=_y
)


def model() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 4 * 4, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )


train_loader = DataLoader(TensorDataset(_x_train, _y_train), batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(_x_val, _y_val), batch_size=256)
criterion = nn.CrossEntropyLoss()


def optimizer(params, lr):
    return torch.optim.SGD(params, lr=lr, momentum=0.9)
