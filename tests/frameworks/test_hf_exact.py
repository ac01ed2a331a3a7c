"""The emitted HF code in a real ``transformers.Trainer``: the LR of every optimizer step
equals the closed form (plateau: torch's ReduceLROnPlateau fed the same eval losses)."""

from __future__ import annotations

import pytest

transformers = pytest.importorskip("transformers")
torch = pytest.importorskip("torch")

from lrtune.emit import TrainSettings, render_code  # noqa: E402
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

BATCH = 4


class Tiny(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.linear = torch.nn.Linear(3, 1)

    def forward(self, x, labels=None):
        out = self.linear(x).squeeze(-1)
        return {"loss": ((out - labels) ** 2).mean(), "logits": out}


def _data(n: int, seed: int) -> list[dict]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=g)
    return [{"x": x[i], "labels": x[i].sum()} for i in range(n)]


class _EvalLosses(transformers.TrainerCallback):
    def __init__(self) -> None:
        self.losses: list[float] = []

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        self.losses.append(metrics["eval_loss"])


def _run(text: str, tmp_path) -> tuple[list[float], object]:
    quiet = "report_to=[], disable_tqdm=True, use_cpu=True"
    quiet += ', save_strategy="no", logging_strategy="no"'
    text = text.replace('output_dir="out"', f"output_dir={str(tmp_path)!r}, {quiet}")
    torch.manual_seed(0)
    scope = {"model": Tiny(), "train_dataset": _data(16, 0), "eval_dataset": _data(8, 1)}
    exec(compile(text, "<hf>", "exec"), scope)
    trainer = scope["trainer"]
    losses = _EvalLosses()
    trainer.add_callback(losses)
    with recorded_lrs() as lrs:
        trainer.train()
    return lrs, losses


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_hf_trainer_follows_closed_form(case, tmp_path) -> None:
    spec = spec_of(case)
    options = {"steps_per_epoch": STEPS_PER_EPOCH, "epochs": EPOCHS}
    train = TrainSettings(batch_size=BATCH)
    if spec.needs_metric and spec.basis == "iteration":
        with pytest.raises(ConfigError, match="use basis='epoch'"):
            render_code(spec, "hf", train=train, **options)
        return
    text = render_code(spec, "hf", train=train, **options)
    assert "optimizers=" not in text  # HF builds its own optimizer: FSDP/DeepSpeed-safe
    lrs, losses = _run(text, tmp_path)
    if not spec.needs_metric:
        assert_exact(spec, lrs)
        return
    assert len(losses.losses) == EPOCHS and len(lrs) == EPOCHS * STEPS_PER_EPOCH
    reference = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=spec.lr)
    plateau = spec.build(reference)
    for epoch in range(EPOCHS):
        for step in range(STEPS_PER_EPOCH):
            assert lrs[epoch * STEPS_PER_EPOCH + step] == reference.param_groups[0]["lr"]
        plateau.step(losses.losses[epoch])


def test_hf_arguments_carry_batch_accumulation_and_clipping(tmp_path) -> None:
    spec = spec_of(("cosine", "iteration", True))
    train = TrainSettings(batch_size=2, accumulation=2, max_grad_norm=0.5)
    text = render_code(spec, "hf", train=train, steps_per_epoch=STEPS_PER_EPOCH, epochs=EPOCHS)
    lrs, _ = _run(text, tmp_path)  # 16 samples / (2 × 2) = 4 updates per epoch
    assert_exact(spec, lrs)
    assert "per_device_train_batch_size=2" in text and "gradient_accumulation_steps=2" in text
    assert "max_grad_norm=0.5" in text
