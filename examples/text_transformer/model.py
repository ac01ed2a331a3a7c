"""A tiny character-level transformer on Python's own source text, trained with AdamW.

The text is the source of a few standard-library modules (always on disk, no download).
Run ``lrtune find examples/text_transformer/model.py``.
"""

import inspect
import json.decoder
import textwrap

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

epochs = 4
_CONTEXT = 32

_text = "".join(inspect.getsource(m) for m in (textwrap, json.decoder))
_vocab = sorted(set(_text))
_ids = torch.tensor([_vocab.index(c) for c in _text], dtype=torch.long)
_windows = _ids[: len(_ids) // (_CONTEXT + 1) * (_CONTEXT + 1)].view(-1, _CONTEXT + 1)
_generator = torch.Generator().manual_seed(0)
_order = torch.randperm(len(_windows), generator=_generator)
_split = int(0.9 * len(_windows))
_train, _val = _windows[_order[:_split]], _windows[_order[_split:]]


class CharTransformer(nn.Module):
    """Embedding + 2 pre-norm transformer layers with a causal mask + a linear head."""

    def __init__(self, vocab: int, width: int = 64, heads: int = 4, layers: int = 2) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.position = nn.Parameter(torch.zeros(_CONTEXT, width))
        layer = nn.TransformerEncoderLayer(
            width, heads, 4 * width, dropout=0.0, batch_first=True, norm_first=True
        )
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(width, vocab)
        self.register_buffer("mask", nn.Transformer.generate_square_subsequent_mask(_CONTEXT))

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.embed(tokens) + self.position[: tokens.shape[1]]
        return self.head(self.encoder(h, mask=self.mask, is_causal=True))


def model() -> nn.Module:
    return CharTransformer(len(_vocab))


train_loader = DataLoader(TensorDataset(_train), batch_size=32, shuffle=True)
val_loader = DataLoader(TensorDataset(_val), batch_size=128)


def loss_fn(model: nn.Module, batch: list[torch.Tensor]) -> torch.Tensor:
    (window,) = batch
    logits = model(window[:, :-1])
    return nn.functional.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), window[:, 1:].reshape(-1)
    )


def optimizer(params, lr):
    return torch.optim.AdamW(params, lr=lr, weight_decay=0.01)
