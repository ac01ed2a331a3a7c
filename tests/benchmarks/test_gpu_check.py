"""The GPU check's harness: its CPU dry run, its doc section, and the real check on CUDA."""

from __future__ import annotations

import pytest
import torch

from benchmarks import gpu


def test_gpu_check_dry_run_on_cpu_measures_speed_only(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nkept\n")
    assert (
        gpu.main(["--device", "cpu", "--tiny", "--steps", "12", "--rounds", "1", "--doc", str(doc)])
        == 0
    )
    text = doc.read_text()
    assert text.startswith("# Benchmarks\n\nkept\n")
    section = gpu.section_of(text)
    assert section is not None and "### Steps per second against a bare loop" in section
    assert section.count("| off |") == 2  # two tasks, no AMP on the CPU
    assert "Host synchronizations" not in section  # CUDA only


def test_gpu_section_is_replaced_in_place():
    text = gpu.with_section("# B\n\nbefore\n", f"{gpu.BEGIN}\nold\n{gpu.END}") + "after\n"
    new = gpu.with_section(text, f"{gpu.BEGIN}\nnew\n{gpu.END}")
    assert new == f"# B\n\nbefore\n\n{gpu.BEGIN}\nnew\n{gpu.END}\nafter\n"


def test_gpu_check_refuses_without_cuda(capsys):
    if torch.cuda.is_available():
        pytest.skip("CUDA present")
    assert gpu.main(["--no-doc"]) == 2
    assert "CUDA is not available" in capsys.readouterr().err


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_gpu_range_test_syncs_only_at_its_checks():
    tasks = gpu._tasks(torch.device("cuda"), tiny=True)
    rows = gpu.sync_rows(tasks, torch.device("cuda"), steps=40)
    assert all("**pass**" in row for row in rows[2:]), rows


def test_first_difference_names_the_path_of_the_first_change():
    a = {"range_test": [{"losses": [1.0, 2.0]}], "seed": 0}
    assert gpu.first_difference(a, {"range_test": [{"losses": [1.0, 2.0]}], "seed": 0}) is None
    b = {"range_test": [{"losses": [1.0, 2.5]}], "seed": 0}
    assert gpu.first_difference(a, b) == "range_test[0].losses[1]: 2.0 != 2.5"
    assert gpu.first_difference(a, {"seed": 0}) == "range_test: only in one"
