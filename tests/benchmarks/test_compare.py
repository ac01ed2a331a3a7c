"""``python -m benchmarks compare``: the criterion's figures read from two renders."""

from __future__ import annotations

import math

import pytest

from benchmarks import compare

HEAD = "| method | peak LR | spread | val loss | ratio | worst find seed | beats |\n|---|\n"


def _render(rows: dict[str, tuple[str, str, str, str, str]]) -> str:
    """A docs/benchmarks.md-like text: a summary table that must be skipped, then tasks."""
    text = "## By half\n\n| lrtune | held out | 103 | 1.24 |\n\n"
    for task, (spread, ratio, worst, tune_ratio, tune_worst) in rows.items():
        text += f"## {task}\n\nGrid best: ...\n\n{HEAD}"
        text += f"| lrtune | 0.01 | {spread} | 0.5 ± 0.1 | {ratio} | {worst} | 80% |\n"
        text += f"| lrtune --tune | 0.01 | {spread} | 0.5 | {tune_ratio} | {tune_worst} | 80% |\n"
        text += "| schedule-free | 0.0025 | – | 0.5 ± 0.1 | 9 ‡2 | 9 | 51% |\n\n"
    return text


def test_compare_reads_the_criterion_figures(capsys, tmp_path):
    base = _render({"a": ("1.2", "1.0", "1.1", "1.0", "1.1"), "b": ("3", "2 ‡1", "4", "2", "4")})
    new = _render(
        {"a": ("1.6", "1.1 †1 ‡2", "1.21", "1.0", "1.3"), "b": ("1.4", "1.5", "1.0", "1", "1")}
    )
    parsed = compare.parse(new)
    assert set(parsed) == {"a", "b"}  # the summary's "| lrtune |" row is not a task
    assert parsed["a"]["lrtune"] == compare.Row(0.01, 1.6, 1.21, 3)
    figures = compare.summary(compare.parse(base), parsed)
    assert math.isclose(figures["base"]["geomean"], math.sqrt(1.1 * 4))
    assert math.isclose(figures["new"]["geomean"], math.sqrt(1.21 * 1.0))
    assert figures["base"]["spread_ok"] == 1 and figures["new"]["spread_ok"] == 1
    assert figures["gained_failures"] == ["a"]
    assert figures["new"]["tune_worse"] == ["a"]  # 1.3 > 1.05 x 1.21
    (tmp_path / "base.md").write_text(base)
    (tmp_path / "new.md").write_text(new)
    compare.main([str(tmp_path / "base.md"), str(tmp_path / "new.md"), "--fresh", "a", "b"])
    out = capsys.readouterr().out
    assert "fresh a: 1.1 -> 1.21 (WORSE)" in out and "fresh b: 4 -> 1 (ok)" in out


def test_rekey_moves_only_the_old_versions_rows_to_the_current_keys(tmp_path):
    from benchmarks import evaluate, methods, rekey, suite

    bench = suite.load("least_squares")
    cache = evaluate._Cache(tmp_path, bench.name)
    row = {"lr": 0.1, "val_loss": 0.5, "method": "lrtune", "version": "old"}
    cache.put(evaluate._key(bench.hash, "lrtune", "old", 1, 2, "cpu"), row)
    cache.put(evaluate._key(bench.hash, "lrtune", "older", 0, 0, "cpu"), {**row, "version": "x"})
    assert rekey.rekey("old", tasks=[bench.name], results_dir=tmp_path) == 1
    current = methods.get("lrtune").version()
    moved = evaluate._Cache(tmp_path, bench.name).get(
        evaluate._key(bench.hash, "lrtune", current, 1, 2, "cpu")
    )
    assert moved == {**row, "version": current}


def test_replan_carries_only_the_rows_whose_lr_the_new_plan_reproduces(tmp_path):
    from benchmarks import evaluate, methods, rekey, suite

    bench = suite.load("least_squares")
    method = methods.get("lrtune")
    plan = method.suggest(bench, 0)
    cache = evaluate._Cache(tmp_path, bench.name)
    row = {"lr": plan.lr, "val_loss": 0.5, "method": "lrtune", "version": "old", "cost_steps": 1}
    for train_seed in evaluate.TRAIN_SEEDS:
        cache.put(evaluate._key(bench.hash, "lrtune", "old", 0, train_seed, "cpu"), row)
        moved_row = {**row, "lr": 123.0}  # find seed 1's old plan proposed another LR
        cache.put(evaluate._key(bench.hash, "lrtune", "old", 1, train_seed, "cpu"), moved_row)
    carried, moved = rekey.replan(
        "old", "lrtune", tasks=[bench.name], results_dir=tmp_path, processes=1
    )
    assert (carried, moved) == (len(evaluate.TRAIN_SEEDS), 1)
    current = evaluate._Cache(tmp_path, bench.name)
    version = method.version()
    new = current.get(evaluate._key(bench.hash, "lrtune", version, 0, 0, "cpu"))
    assert new["val_loss"] == 0.5 and new["version"] == version
    assert new["cost_steps"] == plan.cost_steps and new["lr"] == plan.lr  # the new plan's cost
    assert current.get(evaluate._key(bench.hash, "lrtune", version, 1, 0, "cpu")) is None


def test_proposals_record_a_find_per_seed_and_diff_by_the_whole_result(tmp_path):
    import json

    from benchmarks import methods, proposals

    out = tmp_path / "record.json"
    first = proposals.record(out, tasks=["least_squares"], seeds=(0,), processes=1)
    assert set(first) == {"least_squares/0"} and first["least_squares/0"]["lr"] > 0
    assert proposals.record(out, tasks=["least_squares"], seeds=(0,)) == first  # resumes
    # the same find again gives the same result, timings aside
    version = first["least_squares/0"]["version"]
    assert version == methods.get("lrtune").version()
    again = dict(proposals._find_one(("least_squares", 0, version, False))[1], seconds=None)
    assert again == dict(first["least_squares/0"], seconds=None)
    # an entry another lrtune version made is run again
    out.write_text(json.dumps({"least_squares/0": {**first["least_squares/0"], "version": "x"}}))
    redone = proposals.record(out, tasks=["least_squares"], seeds=(0,), processes=1)
    assert dict(redone["least_squares/0"], seconds=None) == again
    moved = {k: {**v, "sha": "other"} for k, v in first.items()}
    assert proposals.moved(first, moved) == ["least_squares"]
    assert proposals.moved(first, first) == []


def test_proposals_record_with_tune_keeps_what_the_search_did(tmp_path):
    from benchmarks import proposals

    out = tmp_path / "tune.json"
    task = "cancer_logreg_adagrad"  # 348 steps: the peak race runs (5 runs of a fifth)
    tuned = proposals.record(out, tasks=[task], seeds=(0,), processes=1, tune=True)
    entry = tuned[f"{task}/0"]
    assert entry["tune"] is True
    search = entry["search"]
    assert search["kind"] == "peak-race" and search["kept"] in ("proposal", "winner")
    if search["kept"] == "proposal":  # the race's first peak is the rules' own
        assert entry["lr"] == pytest.approx(search["peaks"][0])
    assert len(search["peaks"]) >= 2 and 0 < search["cost_steps"] <= 348
    # the rules' record of the same seed is not taken for the --tune one, nor the reverse
    rules = proposals.record(out, tasks=[task], seeds=(0,), processes=1)
    assert "tune" not in rules[f"{task}/0"] and "search" not in rules[f"{task}/0"]
    assert rules[f"{task}/0"]["sha"] != entry["sha"]  # the search is in result.json


def test_proposals_record_refuses_a_corrupt_record_in_one_line(tmp_path, capsys):
    from benchmarks import proposals

    bad = tmp_path / "record.json"
    bad.write_text("{not json")
    with pytest.raises(SystemExit):
        proposals.main(["record", str(bad), "--tasks", "least_squares"])
    assert "is not a proposals record" in capsys.readouterr().err
    assert bad.read_text() == "{not json"  # left as it was
