"""End to end: the Lightning callback on a tiny LightningModule, and the HF entry point on a
tiny GPT-2 built from a config (never downloaded)."""

from __future__ import annotations

import logging
import warnings

import pytest
import torch

from lrtune.api import FindConfig


def _config() -> FindConfig:
    return FindConfig.create(num_iter=30, repeats=1, seed=0, device="cpu", check=0.0)


def test_lightning_callback_finds_and_trains_with_the_schedule() -> None:
    L = pytest.importorskip("lightning")
    from lrtune.integrations.lightning import LrtuneFinder, find_for_lightning

    class Tiny(L.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1)
            )

        def training_step(self, batch, batch_idx):
            x, y = batch
            loss = torch.nn.functional.mse_loss(self.net(x), y)
            self.log("train_loss", loss)
            return loss

        def configure_optimizers(self):
            return torch.optim.SGD(self.parameters(), lr=0.01, momentum=0.9)

    class Record(L.Callback):
        def __init__(self) -> None:
            self.lrs: list[float] = []

        def on_train_batch_start(self, trainer, pl_module, batch, batch_idx) -> None:
            self.lrs.append(trainer.optimizers[0].param_groups[0]["lr"])

    g = torch.Generator().manual_seed(0)
    x = torch.randn(64, 4, generator=g)
    data = torch.utils.data.TensorDataset(x, x.sum(1, keepdim=True))
    loader = torch.utils.data.DataLoader(data, batch_size=8)
    torch.manual_seed(0)
    module = Tiny()
    before = {k: v.clone() for k, v in module.state_dict().items()}
    probe = L.Trainer(max_epochs=3, accelerator="cpu", logger=False)
    result = find_for_lightning(probe, module, train_loader=loader, config=_config())
    assert all(torch.equal(v, before[k]) for k, v in module.state_dict().items())
    assert (
        result.dataset.steps_per_epoch == 8 and "configure_optimizers" in result.code["lightning"]
    )

    finder, record = LrtuneFinder(config=_config()), Record()
    trainer = L.Trainer(
        max_epochs=3,
        accelerator="cpu",
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        callbacks=[finder, record],
    )
    logging.getLogger("lightning").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trainer.fit(module, loader)
    spec = finder.result.recommendation.schedule
    want = spec.lrs_per_iteration(8, 24)
    assert len(record.lrs) == 24
    assert all(abs(a - b) <= 1e-9 * spec.lr for a, b in zip(record.lrs, want))


def test_hf_entry_point_on_a_tiny_gpt2(tmp_path) -> None:
    transformers = pytest.importorskip("transformers")
    from lrtune.integrations.hf import LrtuneCallback, apply_to_trainer, find_for_hf

    torch.manual_seed(0)
    config = transformers.GPT2Config(n_layer=2, n_head=2, n_embd=64, vocab_size=256)
    model = transformers.GPT2LMHeadModel(config)
    g = torch.Generator().manual_seed(0)
    tokens = torch.randint(0, 256, (48, 16), generator=g)
    dataset = [{"input_ids": t, "labels": t} for t in tokens]
    args = transformers.TrainingArguments(
        output_dir=str(tmp_path),
        per_device_train_batch_size=8,
        gradient_accumulation_steps=2,
        num_train_epochs=2,
        report_to=[],
        use_cpu=True,
        disable_tqdm=True,
        save_strategy="no",
        logging_strategy="no",
    )
    trainer = transformers.Trainer(model=model, args=args, train_dataset=dataset)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    plan = find_for_hf(trainer, config=_config())
    assert all(torch.equal(v, before[k]) for k, v in model.state_dict().items())
    rec = plan.result.recommendation
    assert rec.steps_per_epoch == 3  # ceil(6 batches / 2)
    assert plan.args["gradient_accumulation_steps"] == 2
    assert plan.args["per_device_train_batch_size"] == 8 and plan.args["max_grad_norm"] == 1.0
    apply_to_trainer(trainer, plan)
    trainer.add_callback(LrtuneCallback(rec.schedule, steps_per_epoch=rec.steps_per_epoch))
    trainer.train()  # the callback raises at the first update off the closed form
    assert trainer.state.global_step == plan.args["max_steps"] == 6
