"""result.json trust (lrtune._result_file): its version, its parts, and where its model.py is."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from lrtune.api import FindConfig, find, load_result
from lrtune.cli import main
from lrtune.errors import ResultFileError

from .test_cli_report import FAST, MODEL_PY


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> dict:
    """A real result.json of a tiny task (as a dict), found from a relative model.py path."""
    folder = tmp_path_factory.mktemp("result")
    (folder / "model.py").write_text(MODEL_PY)
    config = FindConfig.create(num_iter=20, repeats=1, seed=0, device="cpu", check=0)
    cwd = Path.cwd()
    try:
        os.chdir(folder)
        return find("model.py", config=config).to_dict()
    finally:
        os.chdir(cwd)


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data))
    return path


def test_result_file_source_is_stored_absolute(saved):
    source = Path(saved["source"])
    assert source.is_absolute() and source.name == "model.py" and source.is_file()


@pytest.mark.parametrize("version", [99, 0, "1", True, None])
def test_result_file_unknown_version_names_the_supported_one(saved, tmp_path, version):
    path = _write(tmp_path, {**saved, "lrtune_result": version})
    with pytest.raises(ResultFileError) as info:
        load_result(path)
    assert str(info.value) == (
        f"{path}: lrtune_result {version!r} is a format this lrtune does not read (it reads "
        "version 1); re-run `lrtune find` with this lrtune to write a new result.json."
    )


@pytest.mark.parametrize("part", ["dataset", "range_test", "analysis", "optimizer", "source"])
def test_result_file_missing_part_names_it(saved, tmp_path, part):
    data = {k: v for k, v in saved.items() if k != part}
    with pytest.raises(ResultFileError) as info:
        load_result(_write(tmp_path, data))
    assert str(info.value) == (
        f"{tmp_path / 'result.json'}: the '{part}' part is missing; re-run `lrtune find` to "
        "write a whole result.json (a result without it would plan another run)."
    )


def test_result_file_null_dataset_or_wrong_type_is_refused(saved, tmp_path):
    with pytest.raises(ResultFileError, match="the 'dataset' part is missing"):
        load_result(_write(tmp_path, {**saved, "dataset": None}))
    with pytest.raises(ResultFileError, match="the 'range_test' part is dict, expected a list"):
        load_result(_write(tmp_path, {**saved, "range_test": {}}))
    with pytest.raises(ResultFileError, match="the 'range_test' part is empty"):
        load_result(_write(tmp_path, {**saved, "range_test": []}))


def test_result_file_whole_result_loads(saved, tmp_path):
    result = load_result(_write(tmp_path, saved))
    assert result.dataset is not None and result.source == saved["source"]


def _cli(monkeypatch, capsys, *args) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["lrtune", *map(str, args)])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


def test_cli_recommend_tune_works_from_another_folder(saved, tmp_path, monkeypatch, capsys):
    path = _write(tmp_path, saved)
    monkeypatch.chdir(tmp_path)  # not where find ran: the absolute source is found
    code, err = _cli(monkeypatch, capsys, "recommend", path, "--tune", "--trials", "2",
                     "--check", "0")  # fmt: skip
    assert code == 0, err


def test_cli_recommend_tune_missing_source_says_pass_model(saved, tmp_path, monkeypatch, capsys):
    path = _write(tmp_path, {**saved, "source": str(tmp_path / "moved" / "model.py")})
    code, err = _cli(monkeypatch, capsys, "recommend", path, "--tune", "--trials", "2")
    assert code == 1
    assert err == (
        f"error: {path}: its model.py {tmp_path / 'moved' / 'model.py'} was not found; --tune "
        "trains the model: pass --model path/to/model.py\n"
    )


def test_cli_recommend_unknown_version_is_one_line(saved, tmp_path, monkeypatch, capsys):
    path = _write(tmp_path, {**saved, "lrtune_result": 99})
    code, err = _cli(monkeypatch, capsys, "recommend", path, *FAST[-2:])
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(f"error: {path}: lrtune_result 99 is a format this lrtune does not read")
