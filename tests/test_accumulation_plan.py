"""--accumulate N plans in optimizer updates: ceil(len(train_loader) / N) per epoch, in the
plan and in every format's code."""

from __future__ import annotations

import torch
from torch import nn

from lrtune.api import FindConfig, find
from lrtune.task import make_task


def test_find_with_accumulation_divides_steps_per_epoch(cls_loader) -> None:
    torch.manual_seed(0)
    x = torch.cat([b[0] for b in cls_loader[:5]])
    y = torch.cat([b[1] for b in cls_loader[:5]])
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=16)
    task = make_task(
        model=nn.Linear(4, 3),
        train_loader=loader,  # 5 batches of 16
        criterion=nn.CrossEntropyLoss(),
        epochs=10,
    )
    config = FindConfig.create(
        num_iter=40,
        repeats=1,
        seed=0,
        device="cpu",
        check=0.0,
        accumulation_steps=2,
        formats=("torch", "hf", "timm"),
    )
    result = find(task, config=config)
    stats = result.dataset
    assert stats.steps_per_epoch == 3 and stats.accumulation == 2  # ceil(5 / 2)
    assert stats.batch_size == 32 and stats.total_steps == 30
    assert result.recommendation.steps_per_epoch == 3
    hf = result.code["hf"]
    assert "gradient_accumulation_steps=2" in hf and "per_device_train_batch_size=16" in hf
    assert "max_grad_norm=0.0" in hf
    assert (
        "updates_per_epoch=3" in result.code["timm"] or "step_on_epochs=True" in result.code["timm"]
    )
