"""The emitted ``configure_optimizers`` in a real ``lightning.Trainer``: the LR of every
optimizer step equals the closed form (plateau: torch's ReduceLROnPlateau fed the same
val_loss), also under ``accumulate_grad_batches``."""

from __future__ import annotations

import logging
import warnings

import pytest

L = pytest.importorskip("lightning")
torch = pytest.importorskip("torch")

from lrtune.emit import render_code  # noqa: E402
from lrtune.errors import ConfigError  # noqa: E402
from tests.frameworks._matrix import (  # noqa: E402
    CASES,
    EPOCHS,
    IDS,
    STEPS_PER_EPOCH,
    assert_exact,
    recorded_lrs,
    spec_of,
)


class Tiny(L.LightningModule):
    def __init__(self, configure) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(3, 1)
        self._configure = configure
        self.val_losses: list[float] = []

    def training_step(self, batch, batch_idx):
        return (self.linear(batch) - 1.0).pow(2).mean()

    def validation_step(self, batch, batch_idx):
        loss = (self.linear(batch) - 1.0).pow(2).mean()
        self.log("val_loss", loss)

    def on_validation_epoch_end(self) -> None:
        self.val_losses.append(float(self.trainer.callback_metrics["val_loss"]))

    def configure_optimizers(self):
        return self._configure(self)


def fit(text: str, *, accumulate: int = 1) -> tuple[list[float], Tiny]:
    scope: dict = {}
    exec(compile(text, "<lightning>", "exec"), scope)
    torch.manual_seed(0)
    module = Tiny(scope["configure_optimizers"])
    data = torch.randn(STEPS_PER_EPOCH * accumulate * 2, 3)
    train = torch.utils.data.DataLoader(data, batch_size=2)
    val = torch.utils.data.DataLoader(data[:4], batch_size=2)
    trainer = L.Trainer(
        max_epochs=EPOCHS,
        accelerator="cpu",
        accumulate_grad_batches=accumulate,
        num_sanity_val_steps=0,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    logging.getLogger("lightning").setLevel(logging.ERROR)
    with warnings.catch_warnings(), recorded_lrs() as lrs:
        warnings.simplefilter("ignore")
        trainer.fit(module, train, val)
    return lrs, module


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_lightning_trainer_follows_closed_form(case) -> None:
    spec = spec_of(case)
    if spec.needs_metric and spec.basis == "iteration":
        with pytest.raises(ConfigError, match="use basis='epoch'"):
            render_code(spec, "lightning")
        return
    lrs, module = fit(render_code(spec, "lightning"))
    if not spec.needs_metric:
        assert_exact(spec, lrs)
        return
    assert len(module.val_losses) == EPOCHS
    reference = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=spec.lr)
    plateau = spec.build(reference)
    for epoch in range(EPOCHS):
        for step in range(STEPS_PER_EPOCH):
            assert lrs[epoch * STEPS_PER_EPOCH + step] == reference.param_groups[0]["lr"]
        plateau.step(module.val_losses[epoch])


@pytest.mark.parametrize("basis", ["epoch", "iteration"])
def test_lightning_accumulation_steps_once_per_update(basis: str) -> None:
    spec = spec_of(("cosine", basis, True))
    lrs, _ = fit(render_code(spec, "lightning"), accumulate=3)
    assert_exact(spec, lrs)  # 24 batches / 3 = 4 updates per epoch, as planned
