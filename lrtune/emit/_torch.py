"""Plain PyTorch: a snippet (optimizer + scheduler) and a full training-loop template."""

from __future__ import annotations

from lrtune.emit._common import Code, OptimizerLike, describe, optimizer_code, scheduler_code
from lrtune.schedules import ScheduleSpec

__all__ = ["render_loop", "render_torch"]


def _step_comment(spec: ScheduleSpec) -> list[str]:
    if spec.needs_metric:
        where = [
            "#         ...  # forward, backward, optimizer.step()",
            "#     val_loss = ...  # evaluate on the validation set",
            "#     scheduler.step(val_loss)  # once per epoch, with the validation metric",
        ]
        if spec.basis == "iteration":
            where[-1] = "#     scheduler.step(val_loss)  # after each evaluation"
    elif spec.basis == "iteration":
        where = [
            "#         loss.backward()",
            "#         optimizer.step()",
            "#         optimizer.zero_grad()",
            "#         scheduler.step()  # once per optimizer update, after optimizer.step()",
        ]
    else:
        where = [
            "#         ...  # forward, backward, optimizer.step()",
            "#     scheduler.step()  # once per epoch, after the last batch of the epoch",
        ]
    return [
        "# Where scheduler.step() goes (the first batch already runs at the step-0 LR):",
        "# for epoch in range(epochs):",
        "#     for batch in train_loader:",
        *where,
    ]


def render_torch(spec: ScheduleSpec, *, optimizer: OptimizerLike = "adamw") -> str:
    """A snippet that, run where ``model`` is defined, defines ``optimizer`` and ``scheduler``.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> code = render_torch(make_schedule("step", lr=0.1, step_size=3))
        >>> "scheduler = StepLR(optimizer, step_size=3, gamma=0.1)" in code
        True
    """
    code = Code()
    code.lines.append(describe(spec))
    optimizer_code(optimizer, spec.lr, code, params="model.parameters()")
    scheduler_code(spec, code)
    code.lines += _step_comment(spec)
    return code.header() + "\n".join(code.lines) + "\n"


_EVALUATE = '''def evaluate(model: torch.nn.Module, loader, loss_fn) -> float:
    """Mean loss of `model` over `loader` (no gradients)."""
    model.eval()
    with torch.no_grad():
        losses = [float(loss_fn(model, batch)) for batch in loader]
    model.train()
    return sum(losses) / len(losses)
'''


def render_loop(
    spec: ScheduleSpec, *, optimizer: OptimizerLike = "adamw", epochs: int | None = None
) -> str:
    """A full training loop ``train(model, train_loader, loss_fn, *, epochs, val_loader)``.

    ``loss_fn(model, batch)`` returns the loss tensor; the scheduler is stepped where the
    basis requires (after each update, or after each epoch with the metric for plateau).

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> code = render_loop(make_schedule("constant", lr=0.1), epochs=2)
        >>> "def train(" in code and "epochs: int = 2" in code
        True
    """
    code = Code()
    code.imports.add("import torch")
    ind = "    "
    optimizer_code(optimizer, spec.lr, code, params="model.parameters()", indent=ind)
    scheduler_code(spec, code, indent=ind)
    if spec.needs_metric:
        code.blocks.append(_EVALUATE)
    epochs_arg = "epochs: int" if epochs is None else f"epochs: int = {int(epochs)}"
    body = [
        describe(spec),
        "def train(",
        f"{ind}model: torch.nn.Module,",
        f"{ind}train_loader,",
        f"{ind}loss_fn,",
        f"{ind}*,",
        f"{ind}{epochs_arg},",
        f"{ind}val_loader=None,",
        ") -> torch.optim.Optimizer:",
        f'{ind}"""Train `model`; `loss_fn(model, batch)` returns the loss."""',
        *code.lines,
        f"{ind}model.train()",
        f"{ind}for _epoch in range(epochs):",
        f"{ind * 2}for batch in train_loader:",
        f"{ind * 3}loss = loss_fn(model, batch)",
        f"{ind * 3}loss.backward()",
        f"{ind * 3}optimizer.step()",
        f"{ind * 3}optimizer.zero_grad()",
    ]
    if spec.needs_metric:
        body += [
            f"{ind * 2}val_loss = evaluate(model, val_loader or train_loader, loss_fn)",
            f"{ind * 2}scheduler.step(val_loss)  # once per epoch, with the validation metric",
        ]
    elif spec.basis == "iteration":
        body.append(f"{ind * 3}scheduler.step()  # once per optimizer update")
    else:
        body.append(f"{ind * 2}scheduler.step()  # once per epoch")
    body.append(f"{ind}return optimizer")
    return code.header() + ("" if code.blocks else "\n") + "\n".join(body) + "\n"
