"""Frozen-backbone epochs after the first, with the frozen-feature cache ÷ without it.

A frozen resnet18 (random weights: nothing downloads) and a new Linear head, 64×64
colour images, no augmentation. With the cache, the first epoch runs the backbone
once per image and later epochs train only the head; without it (the cache turned
off as if memory were short) every epoch runs the backbone again.
"""

from __future__ import annotations

import statistics

import torch

from benchmarks.harness import Budget, CaseResult, Spread, alternate
from studio.core.architecture import Architecture, Block
from studio.core.data.base import LoadedData
from studio.core.project import DatasetConfig, Project, TrainingConfig
from studio.core.training import feature_cache
from studio.core.training.trainer import Trainer

NAME = "feature cache"
TARGET = 0.1
SIDE = 64
CLASSES = 10


def _data(train: int, val: int) -> LoadedData:
    generator = torch.Generator().manual_seed(0)

    def images(n: int) -> torch.Tensor:
        return torch.randint(0, 256, (n, 3, SIDE, SIDE), dtype=torch.uint8, generator=generator)

    def labels(n: int) -> torch.Tensor:
        return torch.randint(0, CLASSES, (n,), generator=generator)

    return LoadedData(
        "random",
        [str(c) for c in range(CLASSES)],
        images(train),
        labels(train),
        images(val),
        labels(val),
        (0.5, 0.5, 0.5),
        (0.25, 0.25, 0.25),
        (3, SIDE, SIDE),
    )


def _project(epochs: int) -> Project:
    backbone = Block.create("Backbone", model="resnet18", weights=None)
    backbone.frozen = True
    arch = Architecture((3, SIDE, SIDE), [backbone, Block.create("Linear", out_features=CLASSES)])
    return Project(
        arch,
        DatasetConfig("image-folder"),
        TrainingConfig(epochs=epochs, batch_size=64, device="cpu"),
    )


def _later_epochs(project: Project, data: LoadedData, cached: bool) -> float:
    """Median seconds of the epochs after the first (training and validation)."""
    share = feature_cache.CACHE_SHARE
    feature_cache.CACHE_SHARE = share if cached else 0.0
    try:
        result = Trainer(project, data=data, device="cpu").run()
    finally:
        feature_cache.CACHE_SHARE = share
    if result.reason != "completed":
        raise RuntimeError(f"the benchmark run failed: {result.error}")
    return statistics.median(entry["seconds"] for entry in result.history[1:])


def run(budget: Budget) -> list[CaseResult]:
    train, val = budget.scaled(1024, 64), budget.scaled(256, 16)
    epochs = budget.scaled(4, 2)
    data, project = _data(train, val), _project(epochs)
    if not budget.quick:
        _later_epochs(_project(2), _data(64, 16), cached=False)  # warm-up: kernels, allocator
    with_cache, without = alternate(
        lambda: _later_epochs(project, data, True),
        lambda: _later_epochs(project, data, False),
        budget.pairs,
    )
    figure = Spread.of([a / b for a, b in zip(with_cache, without, strict=True)])
    return [
        CaseResult(
            NAME,
            "frozen resnet18 epoch 2+, cached ÷ not",
            figure,
            "",
            f"≤ {TARGET}",
            figure.median <= TARGET,
            [
                f"{train} training + {val} validation images at 3×{SIDE}×{SIDE}, batch 64, "
                f"epochs 2–{epochs}: {statistics.median(with_cache):.3f} s per epoch with the "
                f"cache, {statistics.median(without):.2f} s without"
            ],
        )
    ]
