"""The report's prose paragraphs (benchmarks/prose/*.md) and the held-out batches they name."""

import re
import string

from benchmarks import report, zoo


def _batches() -> set[str]:
    return {
        name
        for name, value in vars(zoo).items()
        if name.startswith("HELD_OUT_") and isinstance(value, frozenset)
    }


def test_every_held_out_batch_has_a_field_in_the_held_out_paragraph():
    fields = {f for _, f, _, _ in string.Formatter().parse(report._prose("held_out")) if f}
    assert _batches() <= fields, sorted(_batches() - fields)
    assert fields <= _batches() | {"HELD_OUT_SINCE"}, sorted(fields - _batches())


def test_a_paragraph_is_its_wrapped_lines_joined_by_single_spaces():
    history = report._prose("history")
    assert "\n" not in history and "  " not in history
    assert history.startswith("Changes to lrtune since the split")
    assert re.search(r"\(59\)", history)
