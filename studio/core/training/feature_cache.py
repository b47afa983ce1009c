"""The frozen-feature cache: run the frozen start of the network once per image.

When every layer before the first trainable one is frozen (and so in eval mode, a
fixed function) and no augmentation changes the images, the outputs of that
frozen start are the same every epoch. DL4J's TransferLearningHelper computes them
once; so does this: the first epoch fills the cache (training and validation
images, eval mode, no gradients), and every epoch trains only the layers after it,
with the same shuffled batches as without the cache.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import torch
from torch import nn

from studio.core.architecture import Architecture
from studio.core.backbones import BLOCK
from studio.core.data.batches import BatchLoader
from studio.core.data.streaming_loader import StreamLoader
from studio.core.memory import device_memory_bytes, format_bytes
from studio.core.shapes import BYTES_PER_VALUE, analyse

CACHE_SHARE = 0.25
"""The most of the device's memory the cache may take; beyond it training runs uncached."""
FILL_BATCH = 256
"""Images per forward pass while filling the cache."""
RANDOM_BLOCKS = ("Dropout", "Dropout2d")


@dataclass(frozen=True)
class CachePlan:
    prefix: int
    """How many leading layers the cache replaces (0: no cache)."""
    note: str = ""


def frozen_prefix(arch: Architecture) -> int:
    """Leading layers that are frozen whole, or have no weights and no randomness,
    up to the last frozen one: the part of the network that never changes."""
    report = analyse(arch)
    prefix = 0
    for index, block in enumerate(arch.blocks):
        whole = block.frozen and (
            block.type != BLOCK or int(block.params.get("train_last_stages", 0)) == 0
        )
        if whole:
            prefix = index + 1
            continue
        fixed = report.layers[index].params == 0 and block.type not in RANDOM_BLOCKS
        if not fixed or block.frozen:
            break
    return prefix


def plan_cache(
    arch: Architecture,
    train: BatchLoader,
    val: BatchLoader,
    device: torch.device,
    switch_epoch: int | None,
) -> CachePlan:
    """Whether to cache, and the sentence for the training notes saying so (or why not)."""
    if not any(block.frozen for block in arch.blocks):
        return CachePlan(0)
    prefix = frozen_prefix(arch)
    if prefix == 0:
        return CachePlan(
            0, "The frozen layers do not start the network, so every epoch runs them again."
        )
    if prefix >= len(arch.blocks):
        return CachePlan(0)
    if train.augments:
        return CachePlan(
            0,
            "The frozen layers' outputs are not cached: random crops or flips change the "
            "images every epoch.",
        )
    shape = analyse(arch).layers[prefix - 1].output_shape or ()
    count = train.num_samples + val.num_samples
    need = count * math.prod(shape) * BYTES_PER_VALUE
    have, _ = device_memory_bytes(device)
    if have and need > have * CACHE_SHARE:
        return CachePlan(
            0,
            f"The frozen layers' outputs are not cached: they would take {format_bytes(need)}, "
            f"more than a quarter of the {format_bytes(have)} of memory.",
        )
    until = f" until epoch {switch_epoch} unfreezes them" if switch_epoch else ""
    last = f"layers 0–{prefix - 1}" if prefix > 1 else "layer 0"
    return CachePlan(
        prefix,
        f"The frozen {last} run once per image: their outputs ({format_bytes(need)}) are "
        f"cached{until}, so after the first epoch only the layers after them train.",
    )


class FeatureCache:
    """The frozen start's outputs for every training and validation image, on the device."""

    def __init__(
        self,
        model: nn.Sequential,
        prefix: int,
        loaders: tuple[BatchLoader, BatchLoader],
        normalisation: tuple[Sequence[float], Sequence[float]],
    ) -> None:
        self.head = model[:prefix]
        self.tail = model[prefix:]
        self._loaders = loaders
        self._normalisation = normalisation
        self._features: tuple[torch.Tensor, torch.Tensor] | None = None

    def _fill(self) -> tuple[torch.Tensor, torch.Tensor]:
        if self._features is None:
            self._features = (self._compute(self._loaders[0]), self._compute(self._loaders[1]))
        return self._features

    def _compute(self, loader: BatchLoader) -> torch.Tensor:
        """The head's output for every image, in order (eval mode, no gradients)."""
        if isinstance(loader, StreamLoader):  # a streamed folder: each image decoded once
            plain: BatchLoader = loader.in_order(FILL_BATCH, *self._normalisation)
        else:
            plain = BatchLoader(
                loader.images,
                loader.labels,
                FILL_BATCH,
                shuffle=False,
                device=loader.device,
                mean=self._normalisation[0],
                std=self._normalisation[1],
            )
        was_training = [m.training for m in self.head]
        self.head.eval()
        try:
            with torch.no_grad():
                return torch.cat([self.head(x) for x, _ in plain])
        finally:
            for module, mode in zip(self.head, was_training, strict=True):
                module.train(mode)

    def train_batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        """The loader's own shuffled batches (the same random draws), of cached features."""
        features = self._fill()[0]
        loader = self._loaders[0]
        n, b = loader.num_samples, loader.batch_size
        order = None
        if loader.shuffle:
            where = loader.generator.device if loader.generator is not None else "cpu"
            order = torch.randperm(n, generator=loader.generator, device=where).to(loader.device)
        for i in range(len(loader)):
            idx = order[i * b : (i + 1) * b] if order is not None else slice(i * b, (i + 1) * b)
            yield features[idx], loader.labels[idx]

    def val_batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        features = self._fill()[1]
        loader = self._loaders[1]
        b = loader.batch_size
        for i in range(len(loader)):
            yield features[i * b : (i + 1) * b], loader.labels[i * b : (i + 1) * b]
