"""Regenerate docs/img/schedules/*.png: one picture per schedule type (iteration basis).

Run from the repository root: ``python docs/make_schedule_plots.py``.
"""

from __future__ import annotations

from pathlib import Path

from lrtune.emit import plot_schedule
from lrtune.schedules import list_schedules
from lrtune.schedules._examples import EPOCHS, STEPS_PER_EPOCH, example_spec

OUT = Path(__file__).resolve().parent / "img" / "schedules"


def main() -> None:
    """Write one PNG per registered schedule, with a one-epoch warmup where allowed."""
    for name in list_schedules():
        spec = example_spec(name, "iteration", warmup=name != "plateau")
        plot_schedule(spec, OUT / f"{name}.png", steps_per_epoch=STEPS_PER_EPOCH, epochs=EPOCHS)


if __name__ == "__main__":
    main()
