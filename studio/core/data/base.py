"""What every dataset loader returns: whole splits as uint8 tensors in memory.

Decoding once into uint8 tensors and slicing whole batches from them is what
makes training fast on a CPU (see ``../shared/guides/performance.md``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch


@dataclass
class LoadedData:
    """Training and validation splits, adapted to the network's input shape.

    ``*_images`` are uint8 tensors of shape (N, C, H, W) (or (N, F) for a flat
    input), ``*_labels`` int64 tensors of shape (N,). A CSV table gives float32
    features (N, F), already standardised, with ``mean`` (0,) and ``std`` (1,).
    Otherwise ``mean`` and ``std`` are per channel on the 0..1 scale, measured on
    the training split. ``notes`` tell the person what was done to fit the data
    to the network (padding, resizing, channel conversion, skipped files).
    """

    name: str
    classes: list[str]
    train_images: torch.Tensor
    train_labels: torch.Tensor
    val_images: torch.Tensor
    val_labels: torch.Tensor
    mean: tuple[float, ...]
    std: tuple[float, ...]
    native_shape: tuple[int, ...]
    notes: list[str] = field(default_factory=list)
    task: str = "classification"
    """``regression`` (a CSV table with a numeric target): then ``classes`` is empty and
    the labels are float32 targets standardised with ``target_mean`` and ``target_std``."""
    target_mean: float = 0.0
    target_std: float = 1.0
    loading: Any = None
    """An image folder's ``LoadingChoice`` (preloaded or streamed, and why); else None."""

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    @property
    def is_regression(self) -> bool:
        return self.task == "regression"

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.train_images.shape[1:])


@dataclass(frozen=True)
class DatasetInfo:
    """What the GUI needs before loading: the class names and the images' own shape.

    ``native_shape`` is (C, H, W) as stored on disk; for an image folder it is the
    shape of the first image found, since the others may differ.
    """

    name: str
    title: str
    classes: list[str]
    native_shape: tuple[int, ...]
    """(C, H, W) for images, (number of features,) for a CSV table."""
    task: str = "classification"

    @property
    def num_classes(self) -> int:
        return len(self.classes)
