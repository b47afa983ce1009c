"""Turn decoded splits into LoadedData: adapt to the network, then measure mean and std."""

from __future__ import annotations

import torch

from studio.core.data.adapt import adapt_images
from studio.core.data.base import LoadedData
from studio.core.data.stats import channel_stats


def assemble(
    *,
    name: str,
    title: str,
    classes: list[str],
    train: tuple[torch.Tensor, torch.Tensor],
    val: tuple[torch.Tensor, torch.Tensor],
    input_shape: tuple[int, ...],
    notes: list[str] | None = None,
    native_shape: tuple[int, ...] | None = None,
) -> LoadedData:
    """Adapt both splits the same way; mean/std come from the adapted training split only.

    ``native_shape`` defaults to the shape of the decoded images.
    """
    train_images, val_images = train[0], val[0]
    native = native_shape or tuple(int(d) for d in train_images.shape[1:])
    train_images, adapt_notes = adapt_images(train_images, input_shape, title)
    val_images, _ = adapt_images(val_images, input_shape, title)
    mean, std = channel_stats(train_images)
    return LoadedData(
        name=name,
        classes=list(classes),
        train_images=train_images,
        train_labels=train[1].to(torch.int64),
        val_images=val_images,
        val_labels=val[1].to(torch.int64),
        mean=mean,
        std=std,
        native_shape=native,
        notes=[*(notes or []), *adapt_notes],
    )
