"""The trainer on several processes with DistributedDataParallel, as torchrun starts them.

Every rank builds the same model from the same seed, draws the same shuffled order
and augmentation from the same generator, and trains on its share of every global
batch (every N-th sample, as DistributedSampler deals an epoch): the global batch
stays the project's batch size, so learning rate and schedule mean what they mean in
a plain run, and DDP's gradient average equals the whole batch's gradient. A batch
smaller than the number of processes is trained whole on every rank (the average of
equal gradients is the same gradient). Each rank validates the whole validation set
with the plain module, so all ranks hold the global accuracy without a collective.
Rank 0 alone
reports, saves and logs (the caller adds observers only there); training loss and
accuracy are averaged over the ranks, throughput is summed.

BatchNorm keeps per-rank statistics (rank 0's running buffers are broadcast each
step, DDP's default); SyncBatchNorm would match a plain run more closely but costs a
collective per layer.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import torch
import torch.distributed as dist

from studio.core.errors import TrainingError
from studio.core.training.events import BatchProgress, Event
from studio.core.training.trainer import Trainer


@dataclass(frozen=True)
class World:
    """Where this process sits among the launched ones (torchrun's environment)."""

    rank: int = 0
    local_rank: int = 0
    size: int = 1

    @property
    def is_distributed(self) -> bool:
        return self.size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def world_from_env(env: dict[str, str] | None = None) -> World:
    """``RANK``, ``LOCAL_RANK`` and ``WORLD_SIZE`` as torchrun sets them (absent: one process)."""
    env = dict(os.environ) if env is None else env
    try:
        return World(
            rank=int(env.get("RANK", "0")),
            local_rank=int(env.get("LOCAL_RANK", "0")),
            size=int(env.get("WORLD_SIZE", "1")),
        )
    except ValueError:
        return World()


def start_process_group(world: World, device: torch.device) -> torch.device:
    """``init_process_group`` (nccl on CUDA, gloo otherwise); the device this rank trains on."""
    if device.type == "cuda":
        device = torch.device("cuda", world.local_rank)
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend=backend, rank=world.rank, world_size=world.size)
    return device


def end_process_group() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


class ShardedLoader:
    """A batch loader whose every global batch is cut down to this rank's slice."""

    def __init__(self, loader: Any, world: World) -> None:
        self.loader = loader
        self.world = world

    def __len__(self) -> int:
        return len(self.loader)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for x, y in self.loader:
            yield shard(x, y, self.world)


def shard(x: torch.Tensor, y: torch.Tensor, world: World) -> tuple[torch.Tensor, torch.Tensor]:
    """Every ``size``-th sample of a global batch from ``rank`` on, as DistributedSampler
    shares an epoch (the whole batch when it has fewer samples than processes)."""
    if x.shape[0] < world.size:
        return x, y
    return x[world.rank :: world.size], y[world.rank :: world.size]


class DistributedTrainer(Trainer):
    """``Trainer`` whose model is wrapped in DistributedDataParallel (see the module doc)."""

    def __init__(self, *args: Any, world: World, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.world = world

    def _prepare(self) -> Any:
        run = super()._prepare()
        batch = self._project.training.batch_size
        if batch < self.world.size:
            raise TrainingError(
                "The batch size ({batch}) is smaller than the number of processes ({n}); "
                "use a batch size of at least {n}.",
                batch=batch,
                n=self.world.size,
            )
        run.finetune.cache = None  # each process trains its share of raw batches through DDP
        device_ids = [run.device] if run.device.type == "cuda" else None
        ddp = torch.nn.parallel.DistributedDataParallel(run.model, device_ids=device_ids)
        note = (
            f"{self.world.size} processes, world size {self.world.size} "
            f"(DistributedDataParallel); each trains on its share of every batch of {batch}."
        )
        return dataclasses.replace(
            run,
            model=ddp,
            train_loader=ShardedLoader(run.train_loader, self.world),
            notes=[*run.notes, note],
        )

    def _evaluate(self, run: Any) -> Any:
        """The whole validation set on the plain module: no collective, the global figures."""
        return super()._evaluate(dataclasses.replace(run, model=_plain(run.model)))

    def _emit_feature_maps(self, run: Any) -> None:
        super()._emit_feature_maps(dataclasses.replace(run, model=_plain(run.model)))

    def _snapshot_of(self, model: torch.nn.Module, *args: Any) -> Any:
        return super()._snapshot_of(_plain(model), *args)  # keys without "module."

    def _end_epoch(
        self,
        run: Any,
        epoch: int,
        train_loss: float,
        train_acc: float,
        val_loss: float,
        confusion: torch.Tensor,
        seconds: float,
        samples_per_second: float,
        predictions: Any = None,
    ) -> None:
        figures = torch.tensor(
            [train_loss, train_acc, samples_per_second], dtype=torch.float64, device=run.device
        )
        dist.all_reduce(figures)  # a sum: the loss and accuracy are averaged below
        figures = figures.cpu() / torch.tensor([self.world.size, self.world.size, 1])
        train_loss, train_acc = float(figures[0]), float(figures[1])
        super()._end_epoch(
            run,
            epoch,
            train_loss,
            train_acc,
            val_loss,
            confusion,
            seconds,
            float(figures[2]),
            predictions,
        )

    def _emit(self, event: Event) -> None:
        if isinstance(event, BatchProgress):  # this rank's rate times the ranks: the total
            rate = event.samples_per_second * self.world.size
            event = dataclasses.replace(event, samples_per_second=rate)
        super()._emit(event)


def _plain(model: torch.nn.Module) -> torch.nn.Module:
    return getattr(model, "module", model)
