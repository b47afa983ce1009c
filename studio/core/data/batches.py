"""Whole-batch slicing from preloaded uint8 tensors: the fast input pipeline.

One permutation per epoch, then per batch: index → float → /255 → normalise,
with the optional crop/flip done on the whole uint8 batch at once. No
per-item Python, no worker processes (see ``performance.md``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import torch
from torch.nn import functional as nnf

from studio.core.errors import DatasetError

CROP_PADDING = 4


def _channel_view(values: Sequence[float], ndim: int, device: torch.device | str) -> torch.Tensor:
    """``values`` shaped to broadcast over (…, C, H, W), or a scalar for one value."""
    t = torch.as_tensor(list(values), dtype=torch.float32, device=device)
    if t.numel() == 1:
        return t.reshape(())
    if ndim < 3:
        raise ValueError(f"{t.numel()} channel values for a {ndim}-D tensor")
    return t.reshape(-1, 1, 1)


def normalise(images: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    """uint8 images (N, C, H, W), (C, H, W) or (N, F) → float32 ``(x / 255 - mean) / std``.

    ``mean``/``std`` are per channel on the 0..1 scale, as in LoadedData. The
    same arithmetic as the BatchLoader, for prediction and feature-map probes.
    Float features (a CSV table) are standardised by their loader: only copied.
    """
    if images.dtype.is_floating_point:
        return images.to(torch.float32, copy=True)
    m = _channel_view(mean, images.ndim, images.device)
    s = _channel_view(std, images.ndim, images.device)
    return images.to(torch.float32).sub_(m * 255.0).div_(s * 255.0)


class BatchLoader:
    """Iterate (x, y) batches from uint8 images and int64 labels, already on ``device``.

    Each ``iter()`` is one epoch: a new permutation drawn from ``generator``
    when ``shuffle``, so a seeded generator gives the same batches every run.
    ``augment_crop`` (random crop after 4-pixel zero padding) and
    ``augment_flip`` (random horizontal flip) apply to (N, C, H, W) images on
    the uint8 batch, before normalising, so the padding is black as with
    torchvision's ``RandomCrop(padding=4)``; flat (N, F) inputs are never
    augmented (see ``augments``). Float features (N, F) and float targets (a
    CSV table's, standardised by its loader) are passed through as they are.
    ``drop_last`` drops a final partial batch only when at least one full batch
    exists, so an epoch never has zero steps.
    """

    def __init__(
        self,
        images: torch.Tensor,
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
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise DatasetError(
                "The batch size is {size}; it must be a whole number of at least 1.",
                size=batch_size,
            )
        if images.shape[0] != labels.shape[0]:
            raise ValueError(f"{images.shape[0]} images but {labels.shape[0]} labels")
        self.features = images.dtype.is_floating_point  # a CSV table's, already standardised
        if images.dtype != torch.uint8 and not self.features:
            raise ValueError(f"images must be uint8 or float, not {images.dtype}")
        self.device = torch.device(device)
        self.images = images.to(self.device, torch.float32 if self.features else torch.uint8)
        targets = labels.dtype.is_floating_point  # regression targets stay float
        self.labels = labels.to(self.device, torch.float32 if targets else torch.int64)
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.drop_last = drop_last
        spatial = images.ndim == 4
        self.augment_crop = augment_crop and spatial
        self.augment_flip = augment_flip and spatial
        self._mean255 = _channel_view(mean, images.ndim, self.device) * 255.0
        self._inv_std255 = 1.0 / (_channel_view(std, images.ndim, self.device) * 255.0)

    @property
    def num_samples(self) -> int:
        return int(self.images.shape[0])

    @property
    def augments(self) -> bool:
        """Whether any augmentation actually runs (never for flat inputs)."""
        return self.augment_crop or self.augment_flip

    def __len__(self) -> int:
        n, b = self.num_samples, self.batch_size
        if self.drop_last and n >= b:
            return n // b
        return -(-n // b)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        n = self.num_samples
        order = self._draw(torch.randperm, n) if self.shuffle else None
        b = self.batch_size
        for i in range(len(self)):
            if order is None:
                x, y = self.images[i * b : (i + 1) * b], self.labels[i * b : (i + 1) * b]
            else:
                idx = order[i * b : (i + 1) * b]
                x, y = self.images[idx], self.labels[idx]
            if self.augment_crop:
                x = self._random_crop(x)
            if self.augment_flip:
                x = self._random_flip(x)
            if self.features:
                yield x.to(torch.float32, copy=True), y
                continue
            yield x.to(torch.float32).sub_(self._mean255).mul_(self._inv_std255), y

    def _draw(self, fn, *args) -> torch.Tensor:
        """Random numbers from the generator, on its own device, then moved to ours."""
        where = self.generator.device if self.generator is not None else "cpu"
        return fn(*args, generator=self.generator, device=where).to(self.device)

    def _rand(self, *size: int, high: int) -> torch.Tensor:
        return self._draw(torch.randint, 0, high, size)

    def _random_crop(self, x: torch.Tensor) -> torch.Tensor:
        """Pad by 4 with zeros, then cut each image at its own random offset.

        One ``gather`` over flattened pixels: each image's window is a fixed
        pattern of flat indices plus its own offset ``dy * W + dx``. This runs
        several times faster than 4-D advanced indexing.
        """
        p = CROP_PADDING
        n, c, h, w = x.shape
        wide = w + 2 * p
        padded = nnf.pad(x, (p, p, p, p)).reshape(n, c, -1)
        dy, dx = self._rand(2, n, high=2 * p + 1)
        rows = torch.arange(h, device=self.device)[:, None] * wide
        window = (rows + torch.arange(w, device=self.device)).reshape(1, 1, h * w)
        index = (window + (dy * wide + dx).reshape(n, 1, 1)).expand(n, c, h * w)
        return padded.gather(2, index).reshape(n, c, h, w)

    def _random_flip(self, x: torch.Tensor) -> torch.Tensor:
        flip = self._rand(x.shape[0], high=2).bool()[:, None, None, None]
        return torch.where(flip, x.flip(3), x)
