"""Run under ``torchrun --nproc_per_node 2``: the library's range test on a DDP model.

Each rank writes ``<out>/rank<R>.json``: its curves, whether its model and optimizer came
back bitwise, and the sample indices of its shard.
"""

import json
import sys
from pathlib import Path

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lrtune import FindConfig, distributed, find, make_task
from lrtune.rangetest import RangeTestConfig, range_test


def _state(model: nn.Module, optimizer: torch.optim.Optimizer) -> list[torch.Tensor]:
    tensors = [t.detach().clone() for t in model.state_dict().values()]
    for state in optimizer.state.values():
        tensors += [v.clone() for v in state.values() if isinstance(v, torch.Tensor)]
    return tensors


def _same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return len(a) == len(b) and all(torch.equal(x, y) for x, y in zip(a, b))


def main(out: Path) -> None:
    dist.init_process_group("gloo")
    rank = dist.get_rank()
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(256, 8, generator=gen)
    y = x @ torch.randn(8, 1, generator=gen)
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
    torch.manual_seed(100 + rank)  # each rank starts from its own weights
    own = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
    own_before = [t.clone() for t in own.state_dict().values()]
    model = distributed.wrap_model(own, torch.device("cpu"))  # broadcasts rank 0's weights
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    before = _state(model, opt)
    rng_before = torch.get_rng_state()
    config = RangeTestConfig(start_lr=1e-4, end_lr=10, num_iter=60, device="cpu", seed=3)
    run = range_test(model, opt, loader, criterion=nn.MSELoss(), config=config)
    restored = _same(before, _state(model, opt)) and torch.equal(rng_before, torch.get_rng_state())

    calls = {"n": 0}

    def nan_on_rank_1(model: nn.Module, batch) -> torch.Tensor:
        calls["n"] += 1
        loss = nn.functional.mse_loss(model(batch[0]), batch[1])
        return loss * float("nan") if rank == 1 and calls["n"] > 12 else loss

    nan_run = range_test(
        model,
        opt,
        loader,
        loss_fn=nan_on_rank_1,
        config=RangeTestConfig(start_lr=1e-5, end_lr=1e-3, num_iter=60, device="cpu", seed=3),
    )
    restored = restored and _same(before, _state(model, opt))
    shard = distributed.shard_loader(loader, seed=3)

    torch.manual_seed(200 + rank)  # find() on a plain model: each rank gets its own back
    plain = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 1))
    plain_before = [t.clone() for t in plain.state_dict().values()]
    task = make_task(model=plain, train_loader=loader, criterion=nn.MSELoss(), epochs=3)
    found = find(task, config=FindConfig.create(num_iter=30, repeats=2, device="cpu", check=0))
    plain_restored = _same(plain_before, list(plain.state_dict().values()))
    (out / f"rank{rank}.json").write_text(
        json.dumps(
            {
                "losses": list(run.losses),
                "stop_reason": run.stop_reason,
                "nan_losses": list(nan_run.losses),
                "nan_stop_reason": nan_run.stop_reason,
                "restored": restored,
                "broadcast": not _same(own_before, before[: len(own_before)]),
                "shard": sorted(int(i) for i in shard.sampler),
                "shard_len": len(shard),
                "find_restored": plain_restored,
                "find_losses": [list(r.losses) for r in found.runs],
                "find_dataset": found.dataset.to_dict(),
            }
        )
    )
    dist.destroy_process_group()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
