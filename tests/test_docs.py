"""The user docs match the code: result.json keys and CLI options named in docs/ exist."""

from __future__ import annotations

import re

import click
import pytest

from lrtune.api import FindConfig, find
from lrtune.cli import cli
from lrtune.recommend import SearchRecord

from .conftest import ROOT

DOCS = ROOT / "docs"
_KEY_ROW = re.compile(r"^\|\s*`([a-z_][a-z0-9_.\[\]]*)`\s*\|", re.MULTILINE)
_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
_SECTION = re.compile(r"^## `lrtune (\w+)", re.MULTILINE)


def _documented_keys() -> list[str]:
    return _KEY_ROW.findall((DOCS / "result-json.md").read_text())


def _lookup(data: object, key: str) -> None:
    """Walk ``a.b[].c`` through ``data``; ``x[]`` is a non-empty list whose first item is used."""
    node = data
    for part in key.split("."):
        name = part.removesuffix("[]")
        assert isinstance(node, dict) and name in node, f"{key}: no {name!r}"
        node = node[name]
        if part.endswith("[]"):
            assert isinstance(node, list) and node, f"{key}: {name} is not a non-empty list"
            node = node[0]


@pytest.fixture(scope="module")
def result_dict() -> dict:
    config = FindConfig.create(num_iter=40, seed=0, device="cpu")
    return find(ROOT / "examples" / "digits_cnn" / "model.py", config=config).to_dict()


def test_result_json_doc_lists_the_required_keys():
    keys = set(_documented_keys())
    required = {
        "lrtune_result",
        "analysis.suggested_lr",
        "analysis.diverge_lr",
        "recommendation.scheduler",
        "recommendation.basis",
        "recommendation.initial_lr",
        "recommendation.eta_min_ratio",
        "recommendation.decay_period",
        "recommendation.warmup",
        "recommendation.reasons",
        "recommendation.search.cost_steps",
        "code.torch",
    }
    assert required <= keys, required - keys
    assert any(k.startswith("dataset.") for k in keys)


def test_result_json_doc_keys_exist_in_find_result(result_dict):
    search = SearchRecord(
        n_trials=1, n_pruned=0, cost_steps=10, cost_fraction=0.1, best_value=1.0
    ).to_dict()
    assert result_dict["recommendation"]["search"] is None  # no --tune
    for key in _documented_keys():
        prefix = "recommendation.search."
        if key.startswith(prefix):
            _lookup(search, key.removeprefix(prefix))
        else:
            _lookup(result_dict, key)


def test_result_json_doc_covers_every_top_level_and_dataset_key(result_dict):
    keys = set(_documented_keys())
    assert set(result_dict) <= keys
    for section in ("optimizer", "analysis", "dataset", "recommendation"):
        for name in result_dict[section]:
            assert f"{section}.{name}" in keys, f"{section}.{name} is not documented"


def _options(command: click.Command) -> set[str]:
    ctx = click.Context(command)
    return {opt for p in command.get_params(ctx) for opt in (*p.opts, *p.secondary_opts)}


def test_cli_doc_options_exist():
    text = (DOCS / "cli.md").read_text()
    commands = cli.commands
    every = set().union(_options(cli), *(_options(c) for c in commands.values()))
    # Options on a `lrtune CMD ...` line belong to CMD.
    checked = 0
    for line in text.splitlines():
        match = re.search(r"\blrtune (\w+)\b(.*)", line)
        if match and match.group(1) in commands:
            own = _options(commands[match.group(1)])
            for opt in _OPTION.findall(match.group(2)):
                assert opt in own, f"{opt} is not an option of lrtune {match.group(1)}: {line}"
                checked += 1
    # Options in a command's section belong to that command; elsewhere, to some command.
    starts = [(m.start(), m.group(1)) for m in _SECTION.finditer(text)]
    assert {name for _, name in starts} == set(commands)
    bounds = [(0, None), *starts]
    for (start, name), (end, _) in zip(bounds, [*bounds[1:], (len(text), None)]):
        allowed = _options(commands[name]) if name else every
        for opt in _OPTION.findall(text[start:end]):
            assert opt in allowed, f"{opt} is not an option of lrtune {name or '(any)'}"
            checked += 1
    assert checked > 40


# ---------------------------------------------------------------- troubleshooting and messages


def _table_rows(path) -> list[list[str]]:
    """The cells of every table row of a markdown file (header and rule rows left out)."""
    rows = []
    for line in path.read_text().splitlines():
        if line.startswith("| ") and not line.startswith("| case |") and "---" not in line:
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
    return rows


def _unquote(cell: str) -> str:
    for quote in ("`` ", "`"):
        if cell.startswith(quote):
            return cell[len(quote) : -len(quote)]
    return cell


def test_troubleshooting_tests_exist():
    rows = _table_rows(DOCS / "troubleshooting.md")
    assert len(rows) >= 30
    for row in rows:
        assert len(row) == 6, row
        path, _, name = _unquote(row[5]).partition("::")
        function, _, param = name.partition("[")
        source = (ROOT / path).read_text()
        assert re.search(rf"^def {function}\(", source, re.MULTILINE), f"{path}::{function}"
        if param:
            assert f'"{param.rstrip("]")}"' in source, f"{path}::{name}: no case {param}"


_UNPARAMETRIZED = {
    "test_troubleshooting_interrupted_keeps_partial_curve": "interrupted",
    "test_troubleshooting_num_iter_refused_before_training": "num-iter-too-small",
}


def test_troubleshooting_and_model_py_quote_the_program_word_for_word():
    from .test_troubleshooting import CASES

    checked = 0
    for row in _table_rows(DOCS / "troubleshooting.md"):
        match = re.search(r"test_troubleshooting\.py::(\w+)(?:\[([\w-]+)\])?$", _unquote(row[5]))
        name = match and (match.group(2) or _UNPARAMETRIZED.get(match.group(1)))
        if name in CASES:
            assert _unquote(row[2]) == CASES[name].message, name
            assert row[3] == str(CASES[name].status), name
            checked += 1
    assert checked == len(CASES)
    messages = {case.message for case in CASES.values()}
    quoted = [_unquote(c) for r in _table_rows(DOCS / "model-py.md") for c in r]
    errors = [text for text in quoted if text.startswith("error: ")]
    assert len(errors) >= 18
    for text in errors:
        assert text in messages, (
            f"docs/model-py.md quotes a message the program does not print: {text}"
        )


def test_readme_quickstart_pins_the_tested_torch():
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)\n```", quickstart, re.DOTALL)
    assert len(commands) == 2
    for command in commands:
        assert command.startswith("pip install torch==2.13.0 -e "), command
    ci = (ROOT / ".ci" / "run").read_text()
    assert "torch==2.13.0" in ci and ci.index("torch==2.13.0") < ci.index("-e ")
