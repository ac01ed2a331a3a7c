"""timm: exact ``create_scheduler_v2`` arguments, and a ``train.py --config`` YAML.

timm takes every period in epochs; on the iteration basis lrtune passes
``step_on_epochs=False`` with ``updates_per_epoch`` and writes periods that are not whole
epochs as fractional epochs chosen so that ``epochs × updates_per_epoch`` is exactly the
number of updates (timm multiplies them). Conventions handled: the warmup ramp
``warmup_lr = lr/(W+1)`` gives lrtune's ``(s+1)/(W+1)``; ``warmup_prefix`` starts the main
clock after the warmup; timm applies multistep milestone ``m`` at ``m − 1``, so lrtune
passes ``m + 1``; restarts set ``cycle_decay=1`` and a ``cycle_limit`` that covers the run;
``num_epochs`` is always set (timm plans 300 epochs without it).
"""

from __future__ import annotations

import math
import textwrap
from typing import Any

from lrtune.emit._common import Code, OptimizerLike, TrainSettings, call, describe, optimizer_code
from lrtune.errors import ConfigError
from lrtune.schedules import ScheduleSpec
from lrtune.schedules._base import literal

__all__ = ["render_timm", "timm_args", "timm_train_config"]

_DECAY_FNS = {"linear": "linear", "cosine": "cosine", "sqrt": "1-sqrt"}
_CYCLIC = ("cosine", "poly")
_REFUSED = {
    "onecycle": "timm has no one-cycle scheduler: use --format torch (exact), or cosine with a"
    " warmup in timm",
    "plateau": "timm's plateau scheduler is deprecated (its state is not checkpointed): use"
    " --format torch (ReduceLROnPlateau), or cosine/wsd in timm",
}


def _to_epochs(n: int, upe: int, *, exact: bool = False) -> int | float:
    """``n`` updates as epochs of ``upe`` updates: a float ``x`` with ``x * upe == n``.

    Where no float multiplies back exactly (29/7), the largest ``x`` with ``x * upe`` just
    below ``n``: timm compares integer steps with ``t < x·upe``, ``t // (x·upe)`` and
    ``m ≤ t + 1``, which all give the exact answer for a value a few ulps below ``n``.
    ``exact`` refuses that instead.
    """
    if n % upe == 0:
        return n // upe
    x = n / upe
    candidates = [x, math.nextafter(x, math.inf), math.nextafter(x, 0.0)]
    for y in candidates:
        if y * upe == n:
            return y
    y = x if x * upe < n else math.nextafter(x, 0.0)
    while y * upe >= n:  # pragma: no cover - one step down always suffices in practice
        y = math.nextafter(y, 0.0)
    if exact:
        raise ConfigError(
            f"timm: {n} updates are not exactly a float number of {upe}-update epochs, which"
            " timm's wsd needs; use --format torch, or a warmup and total in whole epochs"
        )
    return y


def _run_epochs(spec: ScheduleSpec, upe: int, epochs: int | None) -> int:
    if epochs is not None:
        return int(epochs)
    total = getattr(spec, "total", None)
    if total is not None and total % upe == 0:
        return total // upe
    raise ConfigError(
        "epochs: expected the planned run length in epochs for timm's num_epochs"
        " (create_scheduler_v2 plans 300 epochs without it), got None"
    )


def _cycles(spec: Any, length: int) -> tuple[int, int]:
    """(cycle_limit, cycles' length) of SGDR cycles covering ``length`` main-schedule steps."""
    k, covered, t_i = 1, spec.T_0, spec.T_0
    while covered < length:
        t_i *= spec.T_mult
        covered += t_i
        k += 1
    return k, covered


def _check_restart_index(spec: Any, length: int) -> None:
    """timm finds the cycle with a floating log: refuse where it rounds the wrong way."""
    if spec.T_mult == 1:
        return
    mul, start, t_i, i = spec.T_mult, 0, spec.T_0, 0
    while start < length:
        for t, want in ((start, i), (start + t_i - 1, i)):
            got = math.floor(math.log(1 - t / spec.T_0 * (1 - mul), mul))
            if got != want:
                raise ConfigError(
                    f"timm: its restart index is off by one at step {t} (floating log); use"
                    " --format torch, or T_mult=1"
                )
        start, t_i, i = start + t_i, t_i * mul, i + 1


def _basis_args(spec: ScheduleSpec, run: int) -> tuple[dict[str, Any], int]:
    """``create_scheduler_v2`` arguments with periods in basis units, and timm's run length."""
    if spec.name in _REFUSED:
        raise ConfigError(_REFUSED[spec.name])
    s: Any = spec
    w = spec.warmup
    floor = {"min_lr": s.lr * s.eta_min_ratio} if hasattr(s, "eta_min_ratio") else {}
    prefix = True
    if run <= w:
        raise ConfigError(f"epochs: expected a run longer than the warmup ({w}), got {run} steps")
    if spec.name == "constant":
        args, prefix, length = {"sched": "constant", "num_epochs": run}, False, run
    elif spec.name in ("step", "exponential", "multistep"):
        args = {"sched": "multistep" if spec.name == "multistep" else "step", "num_epochs": run - w}
        if spec.name == "multistep":  # timm applies milestone m at step m - 1
            args["decay_milestones"] = [m + 1 for m in s.milestones]
        else:
            args["decay_epochs"] = s.step_size if spec.name == "step" else 1
        args["decay_rate"] = s.gamma
        length = run
    elif spec.name in ("cosine", "linear", "polynomial"):
        args = {"sched": "cosine" if spec.name == "cosine" else "poly", "num_epochs": s.total - w}
        if spec.name != "cosine":
            args["decay_rate"] = 1.0 if spec.name == "linear" else float(s.power)
        args.update(floor, cycle_limit=1)
        length = s.total
    elif spec.name == "cosine_restarts":
        _check_restart_index(s, run - w)
        limit, covered = _cycles(s, run - w)
        args = {"sched": "cosine", "num_epochs": s.T_0, "cycle_mul": float(s.T_mult)}
        args.update(cycle_decay=1.0, cycle_limit=limit, **floor)
        length = covered + w
    elif spec.name == "wsd":
        args = {"sched": "wsd", "num_epochs": s.total, "decay_epochs": s.decay_steps}
        args.update(decay_fn=_DECAY_FNS[s.cooldown], **floor)
        prefix, length = False, s.total
    else:
        raise ConfigError(f"timm: no mapping for {spec.name!r}; use --format torch")
    if w:
        args.update(warmup_epochs=w, warmup_lr=s.lr / (w + 1), warmup_prefix=prefix)
    return args, length


def timm_args(
    spec: ScheduleSpec, *, steps_per_epoch: int | None = None, epochs: int | None = None
) -> dict[str, Any]:
    """Keyword arguments of ``timm.scheduler.create_scheduler_v2`` that reproduce ``spec``.

    Args:
        spec: the schedule.
        steps_per_epoch: optimizer updates per epoch (required on the iteration basis).
        epochs: the planned run; defaults to ``total`` when the spec has one.

    Raises:
        ConfigError: no exact timm form (one-cycle, plateau), or a missing length; the
            message names the closest valid choice.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> args = timm_args(make_schedule("multistep", lr=0.1, milestones=(3,)), epochs=6)
        >>> args["decay_milestones"], args["num_epochs"]
        ([4], 6)
    """
    upe = 1
    if spec.basis == "iteration":
        if steps_per_epoch is None:
            raise ConfigError(
                "steps_per_epoch: expected an integer for an iteration-basis schedule on timm,"
                " got None"
            )
        upe = steps_per_epoch
    run = _run_epochs(spec, upe, epochs) * upe
    args, _ = _basis_args(spec, run)
    if spec.name == "wsd" and 0 < spec.decay_steps / upe < 1:  # type: ignore[attr-defined]
        main = spec.total - spec.warmup  # type: ignore[attr-defined]
        if spec.decay_steps >= main:  # type: ignore[attr-defined]
            raise ConfigError("timm: a wsd cooldown under an epoch must be shorter than the run")
        args["decay_epochs"] = spec.decay_steps / main  # type: ignore[attr-defined]
    elif upe > 1:
        for key in ("num_epochs", "decay_epochs", "warmup_epochs"):
            if key in args:
                args[key] = _to_epochs(args[key], upe, exact=spec.name == "wsd")
    if upe > 1 and "decay_milestones" in args:
        args["decay_milestones"] = [_to_epochs(m, upe) for m in args["decay_milestones"]]
    if spec.basis == "epoch":
        return {**args, "step_on_epochs": True}
    return {**args, "step_on_epochs": False, "updates_per_epoch": upe}


def _returns_planned(spec: ScheduleSpec, args: dict[str, Any], upe: int, epochs: int) -> bool:
    """True when ``create_scheduler_v2`` returns ``epochs`` itself, as an int."""
    whole = all(isinstance(args.get(k, 0), int) for k in ("num_epochs", "warmup_epochs"))
    _, length = _basis_args(spec, epochs * upe)
    return whole and length == epochs * upe


def timm_train_config(
    spec: ScheduleSpec,
    *,
    steps_per_epoch: int | None = None,
    epochs: int | None = None,
    train: TrainSettings | None = None,
) -> dict[str, Any]:
    """The schedule keys of a timm ``train.py --config`` YAML (read by ``scheduler_kwargs``).

    Every key train.py would otherwise default is set (its defaults: 5 warmup epochs,
    ``lr_cycle_decay=0.5``, 300 epochs). train.py counts ``updates_per_epoch`` itself
    (``ceil(len(loader) / grad_accum_steps)``) and loops over ``range(num_epochs)``.

    Raises:
        ConfigError: no timm form, or the run is not whole epochs for train.py.

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> cfg = timm_train_config(make_schedule("cosine", lr=0.1, total=10))
        >>> cfg["sched"], cfg["epochs"], cfg["warmup_epochs"]
        ('cosine', 10, 0)
    """
    args = timm_args(spec, steps_per_epoch=steps_per_epoch, epochs=epochs)
    upe = args.get("updates_per_epoch", 1)
    run = _run_epochs(spec, upe, epochs)
    if not _returns_planned(spec, args, upe, run) and spec.name == "cosine_restarts":
        _, length = _basis_args(spec, run * upe)
        shorter = length - spec.T_0 * spec.T_mult ** (args["cycle_limit"] - 1)  # type: ignore
        raise ConfigError(
            f"timm train.py runs whole restart cycles: use epochs={shorter // upe} or"
            f" {length // upe} (cycle ends), or the create_scheduler_v2 code"
        )
    if not _returns_planned(spec, args, upe, run):
        raise ConfigError(
            "timm train.py needs a run of whole epochs from whole-epoch warmup and periods"
            " (it loops over range(num_epochs)): use the create_scheduler_v2 code, or a warmup"
            " and periods in multiples of the epoch"
        )
    cfg: dict[str, Any] = {"sched": args["sched"], "lr": spec.lr, "epochs": args["num_epochs"]}
    cfg.update(
        warmup_epochs=args.get("warmup_epochs", 0),
        warmup_lr=args.get("warmup_lr", 0.0),
        warmup_prefix=args.get("warmup_prefix", False),
        min_lr=args.get("min_lr", 0.0),
        decay_rate=args.get("decay_rate", 0.1),
        lr_cycle_mul=args.get("cycle_mul", 1.0),
        lr_cycle_decay=args.get("cycle_decay", 1.0),
        lr_cycle_limit=args.get("cycle_limit", 1),
        cooldown_epochs=0,
        sched_on_updates=not args["step_on_epochs"],
    )
    for src, dst in (("decay_epochs", "decay_epochs"), ("decay_milestones", "decay_milestones")):
        if src in args:
            cfg[dst] = args[src]
    if "decay_fn" in args:
        cfg["lr_decay_fn"] = args["decay_fn"]
    if train is not None:
        if train.batch_size is not None:
            cfg["batch_size"] = train.batch_size
        cfg["grad_accum_steps"] = train.accumulation
        cfg["clip_grad"] = train.max_grad_norm
    return cfg


def _value(value: Any, upe: int) -> str:
    """Source for a value; fractional epochs as ``n / upe`` when that is the same float."""
    if isinstance(value, float) and upe > 1 and value != int(value):
        n = round(value * upe)
        if n / upe == value:
            return f"{n} / {upe}"
        return repr(value)  # a few ulps below n / upe: see _to_epochs
    if isinstance(value, list):
        return "[" + ", ".join(_value(v, upe) for v in value) + "]"
    return literal(value)


def render_timm(
    spec: ScheduleSpec,
    *,
    optimizer: OptimizerLike = "adamw",
    steps_per_epoch: int | None = None,
    epochs: int | None = None,
    train: TrainSettings | None = None,
) -> str:
    """timm ``create_scheduler_v2`` code (exact), and the ``train.py --config`` YAML as comments.

    Raises:
        ConfigError: no exact timm form (see :func:`timm_args`).

    Example:
        >>> from lrtune.schedules import make_schedule
        >>> code = render_timm(make_schedule("step", lr=0.1, step_size=3), epochs=9)
        >>> "create_scheduler_v2" in code and "num_epochs=9" in code
        True
    """
    import yaml

    args = timm_args(spec, steps_per_epoch=steps_per_epoch, epochs=epochs)
    upe = args.get("updates_per_epoch", 1)
    run = _run_epochs(spec, upe, epochs)
    code = Code()
    code.imports.add("from timm.scheduler import create_scheduler_v2")
    optimizer_code(optimizer, spec.lr, code, params="model.parameters()")
    kwargs = [f"{k}={_value(v, upe)}" for k, v in args.items()]
    planned = _returns_planned(spec, args, upe, run)
    target = "scheduler, num_epochs" if planned else "scheduler, _"
    code.lines += call(target, "create_scheduler_v2", ["optimizer", *kwargs])
    if not planned:
        code.lines.append(f"num_epochs = {run}  # the planned run (timm's count is not it here)")
    if spec.basis == "epoch":
        where = "#     scheduler.step(epoch + 1)  # at the end of each epoch"
    else:
        where = "#         scheduler.step_update(num_updates)  # after each optimizer.step()"
    lines = [
        describe(spec),
        *code.lines,
        f"# num_epochs == {run}; the first update runs at the step-0 LR:",
        "# num_updates = 0",
        "# for epoch in range(num_epochs):",
        "#     for batch in train_loader:",
        "#         ...  # forward, backward, optimizer.step(); num_updates += 1",
        where,
    ]
    try:
        cfg = timm_train_config(spec, steps_per_epoch=steps_per_epoch, epochs=epochs, train=train)
    except ConfigError as exc:
        text = textwrap.wrap(f"timm train.py: not exact here: {exc}", 96)
        lines += [f"# {line}" for line in text]
    else:
        lines.append("# timm train.py: save as t.yaml, run `train.py DATA --config t.yaml`:")
        text = yaml.safe_dump(cfg, sort_keys=False)
        lines += [f"#   {line}" for line in text.splitlines()]
    return code.header() + "\n".join(lines) + "\n"
