"""The range test under ``torchrun --standalone --nproc_per_node 2`` with gloo on the CPU."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch.distributed as dist

from lrtune.distributed import is_distributed, shard_loader, world_size

HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(
    not (dist.is_available() and dist.is_gloo_available()), reason="needs torch.distributed gloo"
)


def _run(args: list[str], *, batch: int, cwd: Path, ranks: int = 0) -> subprocess.CompletedProcess:
    launcher = (
        [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={ranks}"]
        if ranks
        else [sys.executable]
    )
    env = {**os.environ, "LRTUNE_TEST_BATCH": str(batch), "OMP_NUM_THREADS": "1"}
    proc = subprocess.run(
        [*launcher, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    return proc


def test_torchrun_find_matches_one_process_with_the_global_batch(tmp_path):
    """2 ranks × batch 16 over a DistributedSampler see, step by step, one process's batch
    of 32: the curve agrees to float tolerance and the plan counts the global batch."""
    find = ["-m", "lrtune", "find", str(HERE / "ddp_model.py"), "--device", "cpu"]
    find += ["--num-iter", "40", "--repeats", "2", "--check", "0"]
    ddp = _run([*find, "--out", "ddp"], batch=16, cwd=tmp_path, ranks=2)
    _run([*find, "--out", "one"], batch=32, cwd=tmp_path)

    assert ddp.stdout.count("Recommended schedule") == 1  # rank 0 alone prints
    both = json.loads((tmp_path / "ddp" / "result.json").read_text())
    one = json.loads((tmp_path / "one" / "result.json").read_text())
    assert len(both["range_test"]) == len(one["range_test"])  # the same zoom, or none
    for run_ddp, run_one in zip(both["range_test"], one["range_test"]):
        assert run_ddp["stop_reason"] == run_one["stop_reason"]
        assert run_ddp["stage"] == "zoom" or run_ddp["stop_reason"] == "diverged"
        assert len(run_ddp["losses"]) == len(run_one["losses"])
        assert run_ddp["losses"] == pytest.approx(run_one["losses"], rel=1e-5)
    plan = both["dataset"]
    assert (plan["world_size"], plan["batch_size"], plan["steps_per_epoch"]) == (2, 32, 8)
    assert (plan["total_steps"], plan["passes_per_sample"]) == (40, 5.0)
    rec, rec_one = both["recommendation"], one["recommendation"]
    assert rec["scheduler"] == rec_one["scheduler"]
    assert rec["decay_period"] == rec_one["decay_period"]
    assert rec["initial_lr"] == pytest.approx(rec_one["initial_lr"], rel=1e-4)
    assert "distributed" in [r["rule"] for r in rec["reasons"]]
    assert both["code"]["torch"].startswith("# Planned for torchrun with 2 ranks: global batch 32")


def test_torchrun_library_ranks_agree_restore_and_stop_together(tmp_path):
    _run([str(HERE / "ddp_library.py"), str(tmp_path)], batch=16, cwd=tmp_path, ranks=2)
    r0, r1 = (json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1))

    # the all-reduced curve and the stop decision are the same on both ranks
    assert r0["losses"] == r1["losses"] and r0["stop_reason"] == r1["stop_reason"] == "diverged"
    assert r0["find_losses"] == r1["find_losses"]
    # each rank's state comes back bitwise: the DDP model's, and under find() each rank's own
    # weights although DDP broadcast rank 0's for the test
    assert r0["restored"] and r1["restored"]
    assert r1["broadcast"] and not r0["broadcast"]
    assert r0["find_restored"] and r1["find_restored"]
    # a NaN on rank 1 from its 13th step stops both ranks at the same check, no deadlock;
    # the mean over ranks is NaN at that step on both (the curve records it as the blow-up)
    assert r0["nan_stop_reason"] == r1["nan_stop_reason"] == "diverged"
    assert len(r0["nan_losses"]) == len(r1["nan_losses"]) == 13
    assert math.isnan(r0["nan_losses"][-1]) and math.isnan(r1["nan_losses"][-1])
    assert r0["nan_losses"][:12] == r1["nan_losses"][:12]
    # the shards are disjoint and cover the data; the plan counts the global batch
    assert not set(r0["shard"]) & set(r1["shard"])
    assert sorted(r0["shard"] + r1["shard"]) == list(range(256))
    assert r0["shard_len"] == r1["shard_len"] == 8
    assert r0["find_dataset"]["batch_size"] == 32 and r0["find_dataset"]["world_size"] == 2


def test_distributed_helpers_are_no_ops_in_one_process():
    loader = [1, 2, 3]
    assert not is_distributed() and world_size() == 1
    assert shard_loader(loader, seed=0) is loader


def test_find_refuses_tune_in_a_process_group_before_training(monkeypatch):
    from lrtune import TuneConfig
    from lrtune.api import FindConfig, find
    from lrtune.errors import ConfigError

    monkeypatch.setattr("lrtune.api.distributed.is_distributed", lambda: True)
    with pytest.raises(ConfigError, match="--tune is not available under torchrun"):
        find("no-such-model.py", config=FindConfig(tune=TuneConfig()))  # before loading it


def test_saved_multi_rank_plan_keeps_its_reason_and_refuses_tune(tmp_path):
    from lrtune import TuneConfig
    from lrtune.api import FindConfig, load_result, recommend_from_result
    from lrtune.errors import ConfigError

    env = {**os.environ, "LRTUNE_TEST_BATCH": "32", "OMP_NUM_THREADS": "1"}
    subprocess.run(
        [sys.executable, "-m", "lrtune", "find", str(HERE / "ddp_model.py"), "--device", "cpu"]
        + ["--num-iter", "30", "--repeats", "1", "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        env=env,
    )
    data = json.loads((tmp_path / "result.json").read_text())
    data["dataset"] = {**data["dataset"], "world_size": 4, "batch_size": 128, "steps_per_epoch": 2}
    (tmp_path / "four.json").write_text(json.dumps(data))
    saved = load_result(tmp_path / "four.json")
    result = recommend_from_result(saved, config=FindConfig(epochs=10))
    assert result.dataset.world_size == 4 and result.dataset.total_steps == 20
    assert result.recommendation.reasons[-1].rule == "distributed"
    assert result.code["torch"].startswith("# Planned for torchrun with 4 ranks: global batch 128")
    with pytest.raises(ConfigError, match="this plan is for 4 ranks"):
        recommend_from_result(saved, task=object(), config=FindConfig(tune=TuneConfig()))
