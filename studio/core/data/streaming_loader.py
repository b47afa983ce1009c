"""Batches of a streamed image folder: decoded by DataLoader workers, shaped like BatchLoader's.

``StreamLoader`` is a ``BatchLoader`` whose images come from disk. It draws each
epoch's permutation from the same generator at the same moment, slices it into the
same batches, and crops, flips and normalises them in the main process with the same
code, so a fixed seed gives the preloaded path's batches, bit for bit. Only decoding
moves to ``num_workers`` processes (cores − 1), which keep running between epochs.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset, Sampler

from studio.core.data.batches import BatchLoader
from studio.core.data.streaming import StreamedImages, is_streamed

STREAM_EVAL_BATCH = 256
"""Largest validation batch while streaming: decoded batches in flight stay small."""


def default_workers() -> int:
    """Cores − 1 decoding processes, so one core is left to train; 0 on one core."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(0, cores - 1)


class FolderItems(Dataset):
    """(uint8 image, label) pairs, each image decoded from its file when asked for."""

    def __init__(self, images: StreamedImages, labels: torch.Tensor) -> None:
        self.images = images
        self.labels = labels.to(torch.int64).cpu()

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.images.item(index), self.labels[index]


class EpochBatches(Sampler[list[int]]):
    """The batches of the current epoch, set by ``StreamLoader`` before each epoch."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    def __iter__(self) -> Iterator[list[int]]:
        return iter(list(self.batches))

    def __len__(self) -> int:
        return len(self.batches)


class StreamLoader(BatchLoader):
    """``BatchLoader`` over ``StreamedImages``: the same batches, decoded by workers."""

    def __init__(
        self,
        images: StreamedImages,
        labels: torch.Tensor,
        batch_size: int,
        *,
        shuffle: bool = True,
        generator: torch.Generator | None = None,
        device: torch.device | str = "cpu",
        mean: Sequence[float] = (0.0,),
        std: Sequence[float] = (1.0,),
        augment_crop: bool = False,
        augment_flip: bool = False,
        drop_last: bool = False,
        num_workers: int | None = None,
    ) -> None:
        # BatchLoader's checks and settings, with no image tensor to move to the device
        super().__init__(
            torch.empty((len(images), *([0] * (images.ndim - 1))), dtype=torch.uint8),
            labels,
            batch_size,
            shuffle=shuffle,
            generator=generator,
            device=device,
            mean=mean,
            std=std,
            augment_crop=augment_crop,
            augment_flip=augment_flip,
            drop_last=drop_last,
        )
        self.source = images
        self.workers = default_workers() if num_workers is None else max(0, int(num_workers))
        self._batches = EpochBatches()
        self._loader = DataLoader(
            FolderItems(images, labels),
            batch_sampler=self._batches,
            num_workers=self.workers,
            pin_memory=self.device.type == "cuda",
            persistent_workers=self.workers > 0,
            # its own generator: the workers' seeds must not move the shuffling or model RNGs
            generator=torch.Generator().manual_seed(0),
            **_worker_context(self.workers),
        )

    def in_order(
        self, batch_size: int, mean: Sequence[float], std: Sequence[float]
    ) -> StreamLoader:
        """The same images unshuffled and unaugmented, for one pass (the feature cache)."""
        return StreamLoader(
            self.source,
            self.labels,
            batch_size,
            shuffle=False,
            device=self.device,
            mean=mean,
            std=std,
            num_workers=self.workers,
        )

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n, b = self.num_samples, self.batch_size
        order = self._draw(torch.randperm, n).cpu() if self.shuffle else torch.arange(n)
        self._batches.batches = [order[i * b : (i + 1) * b].tolist() for i in range(len(self))]
        blocking = self.device.type != "cuda"
        for x, y in self._loader:
            x = x.to(self.device, non_blocking=not blocking)
            y = y.to(self.device, non_blocking=not blocking)
            if self.augment_crop:
                x = self._random_crop(x)
            if self.augment_flip:
                x = self._random_flip(x)
            yield x.to(torch.float32).sub_(self._mean255).mul_(self._inv_std255), y


def _worker_context(workers: int) -> dict[str, Any]:
    """Fork is unsafe from a program with other threads running (the window's trainer
    thread): there workers start from a clean ``forkserver`` process instead."""
    if workers == 0 or threading.active_count() == 1:
        return {}
    import multiprocessing

    if "forkserver" in multiprocessing.get_all_start_methods():
        return {"multiprocessing_context": "forkserver"}
    return {}


def stream_loaders(
    data: Any,
    batch_size: int,
    eval_batch: int,
    device: torch.device,
    generator: torch.Generator,
    augment_crop: bool,
    augment_flip: bool,
) -> tuple[StreamLoader, StreamLoader]:
    """Training and validation loaders for streamed ``LoadedData``, as ``setup._loaders``."""
    train = StreamLoader(
        data.train_images,
        data.train_labels,
        batch_size,
        shuffle=True,
        generator=generator,
        device=device,
        mean=data.mean,
        std=data.std,
        augment_crop=augment_crop,
        augment_flip=augment_flip,
        drop_last=len(data.train_images) % batch_size == 1,
    )
    val = StreamLoader(
        data.val_images,
        data.val_labels,
        min(eval_batch, max(batch_size, STREAM_EVAL_BATCH)),
        shuffle=False,
        device=device,
        mean=data.mean,
        std=data.std,
    )
    return train, val


__all__ = ["StreamLoader", "default_workers", "is_streamed", "stream_loaders"]
