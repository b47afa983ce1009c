"""An image folder streamed from disk: images decoded when asked for, never all at once.

``StreamedImages`` stands in for the uint8 image tensor of ``LoadedData``: it has a
``shape``, and indexing it decodes just those images. The trainer batches it through
a DataLoader (``streaming_loader``); the views and probes index the few images they
show. Each image decodes to exactly the pixels preloading gives it: when it is already
at the network's size, torchvision's decoder (faster than PIL) is used only for the
formats and modes where it agrees with PIL to the last bit; otherwise the very same
PIL decode as preloading (which for large JPEGs decodes at 1/2 to 1/8 scale: faster
than a full decode and a resize).
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from studio.core.data import image_folder as folder
from studio.core.data.base import LoadedData
from studio.core.data.split import SPLIT_SEED, stratified_split
from studio.core.data.stats import channel_stats
from studio.core.data.streaming_choice import LoadingChoice

log = logging.getLogger(__name__)
# torchvision 0.29 warns on every decode that TorchCodec will take over its image decoders;
# they are still the fastest JPEG/PNG decoders torch ships, and the warning is no use here.
warnings.filterwarnings(
    "ignore", message="The image decoding and encoding capabilities", category=DeprecationWarning
)

STATS_IMAGES = 2000
"""Training images the mean and std are measured on; all of them in a smaller folder."""
_EXACT_JPEG_MODES = frozenset({"RGB", "L", "CMYK"})
_EXACT_PNG_MODES = frozenset({"1", "L", "LA"})
_EXACT_PNG_COLOUR_MODES = frozenset({"P", "RGB", "RGBA"})


class StreamedImages:
    """uint8 images (N, C, H, W) on disk, decoded on indexing; reshaped for a flat input.

    ``decode_shape`` is the (C, H, W) each file is decoded to; ``sample_shape`` is one
    item as the network takes it (the same, or its flattening or signal reshaping).
    """

    dtype = torch.uint8
    streamed = True
    """Marks streamed images for code that must not import this module (the views)."""

    def __init__(
        self,
        files: Sequence[Path],
        decode_shape: tuple[int, int, int],
        sample_shape: tuple[int, ...] | None = None,
    ) -> None:
        self.files = list(files)
        self.decode_shape = tuple(int(d) for d in decode_shape)
        self.sample_shape = tuple(sample_shape) if sample_shape else self.decode_shape

    @property
    def shape(self) -> torch.Size:
        return torch.Size((len(self.files), *self.sample_shape))

    @property
    def ndim(self) -> int:
        return 1 + len(self.sample_shape)

    def __len__(self) -> int:
        return len(self.files)

    def __getitem__(self, index: Any) -> torch.Tensor:
        """One image for an int; a stacked batch for a slice, a list or an index tensor."""
        if isinstance(index, (int, np.integer)) or (
            isinstance(index, torch.Tensor) and index.ndim == 0
        ):
            position = int(index)
            if not -len(self.files) <= position < len(self.files):
                raise IndexError(f"image {position} of {len(self.files)}")
            return self.item(position % len(self.files))
        positions = self._positions(index)
        if not positions:
            return torch.empty((0, *self.sample_shape), dtype=torch.uint8)
        return torch.stack([self.item(i) for i in positions])

    def _positions(self, index: Any) -> list[int]:
        if isinstance(index, slice):
            return list(range(len(self.files)))[index]
        if isinstance(index, torch.Tensor):
            index = index.tolist()
        return [int(i) % len(self.files) for i in index]

    def item(self, position: int) -> torch.Tensor:
        """The image at ``position`` as the network takes it (uint8)."""
        c, h, w = self.decode_shape
        return decode_tensor(self.files[position], c, h, w).reshape(self.sample_shape)

    def subset(self, positions: Sequence[int]) -> StreamedImages:
        files = [self.files[i] for i in positions]
        return StreamedImages(files, self.decode_shape, self.sample_shape)

    def numpy(self) -> StreamedArray:
        """A NumPy-flavoured view, for the views that index validation images."""
        return StreamedArray(self)


class StreamedArray:
    """``StreamedImages`` indexed as NumPy arrays: what the views' validation set holds."""

    dtype = np.dtype(np.uint8)
    streamed = True

    def __init__(self, images: StreamedImages) -> None:
        self.images = images

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.images.shape)

    @property
    def ndim(self) -> int:
        return self.images.ndim

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, index: Any) -> np.ndarray:
        return self.images[index].numpy()


def is_streamed(images: Any) -> bool:
    return getattr(images, "streamed", False) is True


def decode_tensor(path: Path, channels: int, height: int, width: int) -> torch.Tensor:
    """One image file as uint8 (C, H, W), the same pixels preloading gives it.

    An unreadable file (changed or damaged since it was listed) gives a black image
    and a log line rather than stopping a long run.
    """
    try:
        with Image.open(path) as im:
            if folder._too_large(im.size):
                raise folder.ImageTooLarge(str(path))
            fast = im.size == (width, height) and _exact_with_torchvision(
                im.format, im.mode, channels
            )
        if fast:
            return _decode_torchvision(path, channels)
        array, _mode, _resized = folder.decode(path, channels, height, width)
        return torch.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))
    except Exception:
        log.warning("could not decode %s while streaming; a black image stands in", path)
        return torch.zeros((channels, height, width), dtype=torch.uint8)


def _exact_with_torchvision(image_format: str | None, mode: str, channels: int) -> bool:
    """Where torchvision's decoder gives PIL's pixels exactly (checked on JPEG and PNG)."""
    if image_format == "JPEG":
        return mode in _EXACT_JPEG_MODES
    if image_format == "PNG":
        return mode in _EXACT_PNG_MODES or (channels == 3 and mode in _EXACT_PNG_COLOUR_MODES)
    return False


def _decode_torchvision(path: Path, channels: int) -> torch.Tensor:
    from torchvision.io import ImageReadMode, decode_image, read_file

    mode = ImageReadMode.GRAY if channels == 1 else ImageReadMode.RGB
    return decode_image(read_file(str(path)), mode=mode)


def _header(path: Path) -> tuple[tuple[int, int], str] | None:
    """(size, mode) from the file's header, or None if it is not a readable image."""
    try:
        with Image.open(path) as im:
            return im.size, im.mode
    except Exception:
        return None


def load_streamed_folder(
    root: Path,
    classes: list[str],
    files: list[tuple[Path, int]],
    skipped: list[Path],
    input_shape: tuple[int, ...],
    decode_shape: tuple[int, int, int],
    native: tuple[int, int, int],
    val_fraction: float,
    choice: LoadingChoice,
    checkpoint: Callable[[], None] | None = None,
) -> LoadedData:
    """List the readable images from their headers, split by class, measure mean and std.

    Headers are read, pixels are not: a file whose header is fine but whose pixels are
    damaged is only found when it is decoded (see ``decode_tensor``).
    """
    channels, height, width = decode_shape
    readable: list[Path] = []
    labels: list[int] = []
    too_large: list[Path] = []
    resized = recoloured = 0
    for path, label in files:
        if checkpoint is not None and len(readable) % 256 == 0:
            checkpoint()
        header = _header(path)
        if header is None:
            skipped.append(path)
            continue
        size, mode = header
        if folder._too_large(size):
            too_large.append(path)
            continue
        readable.append(path)
        labels.append(label)
        resized += size != (width, height)
        recoloured += (mode in folder.GRAY_MODES) != (channels == 1)
    label_array = _checked_labels(root, classes, labels, val_fraction)
    train_idx, val_idx = stratified_split(label_array, val_fraction, SPLIT_SEED)
    sample_shape = tuple(input_shape) if len(input_shape) != 3 else decode_shape
    images = StreamedImages(readable, decode_shape, sample_shape)
    train_images, val_images = images.subset(train_idx.tolist()), images.subset(val_idx.tolist())
    mean, std, measured = _stats(train_images, checkpoint)
    notes = folder._notes(
        len(readable), resized, recoloured, channels, height, width, root, skipped
    )
    notes += folder._too_large_note(too_large, root)
    notes += _adapt_notes(input_shape, decode_shape)
    if measured < len(train_images):
        notes.append(
            f"The mean and spread used to normalise were measured on {measured:,} of the "
            f"{len(train_images):,} training images."
        )
    y = torch.from_numpy(label_array)
    return LoadedData(
        name=folder.NAME,
        classes=list(classes),
        train_images=train_images,  # type: ignore[arg-type]  # indexed like a tensor
        train_labels=y[train_idx],
        val_images=val_images,  # type: ignore[arg-type]
        val_labels=y[val_idx],
        mean=mean,
        std=std,
        native_shape=native,
        notes=notes,
        loading=choice,
    )


def _checked_labels(
    root: Path, classes: list[str], labels: list[int], val_fraction: float
) -> np.ndarray:
    """The labels as an array, or the same errors preloading gives for an empty class."""
    from studio.core.errors import DatasetError

    if not labels:
        raise folder._no_readable_images(root)
    label_array = np.asarray(labels, dtype=np.int64)
    counts = np.bincount(label_array, minlength=len(classes))
    empty = [classes[i] for i in np.flatnonzero(counts == 0)]
    if empty:
        raise DatasetError(
            "The class folder {name} in {path} has no readable images; add images to it or "
            "remove it.",
            name=empty[0],
            path=str(root),
        )
    train_idx, val_idx = stratified_split(label_array, val_fraction, SPLIT_SEED)
    if len(val_idx) == 0 or len(train_idx) == 0:
        raise folder._split_error(root, counts, val_fraction)
    return label_array


def _stats(
    images: StreamedImages, checkpoint: Callable[[], None] | None
) -> tuple[tuple[float, ...], tuple[float, ...], int]:
    """Mean and std on up to ``STATS_IMAGES`` evenly spread training images."""
    count = min(len(images), STATS_IMAGES)
    step = len(images) / count if count else 1.0
    picked = images.subset(sorted({math.floor(i * step) for i in range(count)}))
    if checkpoint is not None:
        checkpoint()
    # 64 decoded at a time; the float64 sums are exact, so chunking changes nothing
    mean, std = channel_stats(picked, chunk=64)  # type: ignore[arg-type]
    return mean, std, len(picked)


def _adapt_notes(input_shape: tuple[int, ...], decode_shape: tuple[int, int, int]) -> list[str]:
    """The note preloading adds when a flat or signal input reshapes the images."""
    c, h, w = decode_shape
    title = folder.NOTE_TITLE
    if len(input_shape) == 1:
        return [
            f"{title} images ({c}×{h}×{w}) were flattened into {input_shape[0]} values "
            "to fit the network's input."
        ]
    if len(input_shape) == 2:
        return [
            f"{title} images ({c}×{h}×{w}) were read as signals of {input_shape[0]}×"
            f"{input_shape[1]} values to fit the network's input."
        ]
    return []
