"""Tiny synthetic data and networks for the trainer tests (no tests in this module).

Four classes of 1×8×8 uint8 images: class ``c`` lights up quadrant ``c`` over
noise, so a tiny network learns it in an epoch or two.
"""

from __future__ import annotations

import torch

from studio.core.architecture import Architecture, Block
from studio.core.data.base import LoadedData
from studio.core.project import DatasetConfig, Project, TrainingConfig

CLASSES = ["north-west", "north-east", "south-west", "south-east"]


def make_images(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % len(CLASSES)
    images = torch.randint(0, 90, (n, 1, 8, 8), generator=g, dtype=torch.int64)
    for c in range(len(CLASSES)):
        rows = slice(0, 4) if c < 2 else slice(4, 8)
        cols = slice(0, 4) if c % 2 == 0 else slice(4, 8)
        images[labels == c, :, rows, cols] += 150
    return images.clamp(0, 255).to(torch.uint8), labels


def make_data(n_train: int = 256, n_val: int = 64) -> LoadedData:
    train_x, train_y = make_images(n_train, 1)
    val_x, val_y = make_images(n_val, 2)
    mean = float(train_x.float().mean() / 255)
    std = float(train_x.float().std() / 255)
    return LoadedData(
        name="synthetic",
        classes=list(CLASSES),
        train_images=train_x,
        train_labels=train_y,
        val_images=val_x,
        val_labels=val_y,
        mean=(mean,),
        std=(std,),
        native_shape=(1, 8, 8),
        notes=["Synthetic quadrants."],
    )


def conv_blocks(dropout: bool = False) -> list[Block]:
    blocks = [
        Block.create("Conv2d", out_channels=4, kernel_size=3, padding=1),
        Block.create("ReLU"),
        Block.create("MaxPool2d", kernel_size=2),
        Block.create("Flatten"),
    ]
    if dropout:
        blocks.append(Block.create("Dropout", p=0.2))
    blocks.append(Block.create("Linear", out_features=len(CLASSES)))
    return blocks


def make_project(blocks: list[Block] | None = None, **training) -> Project:
    settings = {"batch_size": 16, "epochs": 2, "lr": 0.01, "device": "cpu", **training}
    return Project(
        Architecture((1, 8, 8), blocks if blocks is not None else conv_blocks()),
        DatasetConfig("mnist-sample"),
        TrainingConfig(**settings),
        name="tiny",
    )
