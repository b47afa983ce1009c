"""A folder with one sub-folder of images per class (torchvision's ImageFolder layout).

Every image is decoded once with PIL straight to the network's channels and
size, so a folder of large photos never sits in memory at full resolution.
Files that are not images or cannot be read are skipped and counted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from studio.core.data.adapt import check_input_shape
from studio.core.data.assemble import assemble
from studio.core.data.base import LoadedData
from studio.core.data.split import SPLIT_SEED, stratified_split
from studio.core.errors import DatasetError

NAME = "image-folder"
NOTE_TITLE = "The folder's"
GRAY_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N", "F"})


def folder_title(root: Path) -> str:
    return f"Image folder ({root.name or root})"


def check_folder(path: str | Path) -> Path:
    """The folder as an absolute Path, or a DatasetError if none was chosen or it is missing."""
    if not str(path).strip():
        raise DatasetError(
            "No image folder is chosen; choose a folder with one sub-folder of images per class."
        )
    root = Path(path).expanduser()
    if not root.is_dir():
        raise DatasetError(
            "The image folder {path} does not exist; choose a folder with one sub-folder of "
            "images per class.",
            path=str(root),
        )
    return root


def list_classes(root: Path) -> list[str]:
    """Sorted sub-folder names, as torchvision's ``find_classes``, but skipping hidden folders.

    ``find_classes`` would count ``.ipynb_checkpoints`` or ``.git`` as classes.
    """
    try:
        classes = sorted(
            e.name for e in os.scandir(root) if e.is_dir() and not e.name.startswith(".")
        )
    except OSError as exc:
        raise DatasetError(
            "Could not read the image folder {path} ({reason}); check its permissions.",
            path=str(root),
            reason=exc.strerror or type(exc).__name__,
        ) from exc
    if not classes:
        raise DatasetError(
            "The folder {path} has no sub-folders; put the images of each class in its own "
            "sub-folder (for example cats/ and dogs/).",
            path=str(root),
        )
    return classes


def is_image_name(name: str) -> bool:
    """torchvision's ImageFolder rule: the file name ends in one of ``IMG_EXTENSIONS``."""
    # Deferred: importing torchvision costs about as much as importing torch.
    from torchvision.datasets.folder import IMG_EXTENSIONS, has_file_allowed_extension

    return has_file_allowed_extension(name, IMG_EXTENSIONS)


def scan(root: Path, classes: list[str]) -> tuple[list[tuple[Path, int]], list[Path]]:
    """(image files with their class index, other files skipped); hidden files are ignored."""
    files: list[tuple[Path, int]] = []
    skipped: list[Path] = []
    for label, name in enumerate(classes):
        for path in _walk(root / name):
            if is_image_name(path.name):
                files.append((path, label))
            else:
                skipped.append(path)
    return files, skipped


def _walk(folder: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def probe_shape(path: Path) -> tuple[int, int, int] | None:
    """(C, H, W) from the image header alone, or None if it is not a readable image."""
    try:
        with Image.open(path) as im:
            width, height = im.size
            return (1 if im.mode in GRAY_MODES else 3, height, width)
    except Exception:
        return None


def first_shape(root: Path, classes: list[str]) -> tuple[int, int, int]:
    """The shape of the first readable image, walking the class folders in order."""
    for name in classes:
        for path in _walk(root / name):
            if is_image_name(path.name):
                shape = probe_shape(path)
                if shape is not None:
                    return shape
    raise DatasetError(
        "The folder {path} has no readable images; put .png or .jpg images in one sub-folder "
        "per class.",
        path=str(root),
    )


def decode(path: Path, channels: int, height: int, width: int) -> tuple[np.ndarray, str, bool]:
    """Decode one image to (H, W, C) uint8; also return its own mode and whether it was resized.

    ``draft`` lets JPEG decode at 1/2, 1/4 or 1/8 scale and ``reducing_gap``
    shrinks by whole factors first, so a huge photo costs little memory and time.
    """
    mode = "L" if channels == 1 else "RGB"
    with Image.open(path) as im:
        source_mode, size = im.mode, im.size
        im.draft(mode, (width, height))
        out = im.convert(mode)
        if out.size != (width, height):
            out = out.resize((width, height), Image.Resampling.BILINEAR, reducing_gap=3.0)
        array = np.asarray(out, dtype=np.uint8)
    return array.reshape(height, width, channels), source_mode, size != (width, height)


def load_image_folder(
    path: str | Path,
    val_fraction: float,
    input_shape: tuple[int, ...],
    checkpoint: Callable[[], None] | None = None,
) -> LoadedData:
    """Decode the whole folder once, at the network's channels and size, then split by class."""
    root = check_folder(path)
    classes = list_classes(root)
    if len(classes) < 2:
        raise DatasetError(
            "The folder {path} has only one class ({name}); a classifier needs at least two "
            "sub-folders of images.",
            path=str(root),
            name=classes[0],
        )
    files, skipped = scan(root, classes)
    native = first_shape(root, classes)
    check_input_shape(input_shape, native)
    channels, height, width = input_shape if len(input_shape) == 3 else native
    try:
        buffer = np.empty((len(files), height, width, channels), dtype=np.uint8)
    except MemoryError as exc:
        raise DatasetError(
            "The {count} images at {height}×{width} do not fit in memory; use a smaller input "
            "size or fewer images.",
            count=len(files),
            height=height,
            width=width,
        ) from exc
    labels: list[int] = []
    resized = recoloured = 0
    for path_, label in files:
        if checkpoint is not None:
            checkpoint()  # Stop (or closing the window) abandons a long load here
        try:
            array, source_mode, was_resized = decode(path_, channels, height, width)
        except Exception:  # any file PIL cannot decode is skipped, never fatal
            skipped.append(path_)
            continue
        buffer[len(labels)] = array
        labels.append(label)
        resized += was_resized
        recoloured += (source_mode in GRAY_MODES) != (channels == 1)

    counts = np.bincount(np.asarray(labels, dtype=np.int64), minlength=len(classes))
    empty = [classes[i] for i in np.flatnonzero(counts == 0)]
    if empty:
        raise DatasetError(
            "The class folder {name} in {path} has no readable images; add images to it or "
            "remove it.",
            name=empty[0],
            path=str(root),
        )
    label_array = np.asarray(labels, dtype=np.int64)
    train_idx, val_idx = stratified_split(label_array, val_fraction, SPLIT_SEED)
    if len(val_idx) == 0 or len(train_idx) == 0:
        raise DatasetError(
            "The folder {path} has too few images ({count}) to keep {percent:.0f} % for "
            "validation; add more images to each class.",
            path=str(root),
            count=len(labels),
            percent=val_fraction * 100,
        )
    images = torch.from_numpy(buffer[: len(labels)]).permute(0, 3, 1, 2)
    y = torch.from_numpy(label_array)
    notes = _notes(len(labels), resized, recoloured, channels, height, width, root, skipped)
    return assemble(
        name=NAME,
        title=NOTE_TITLE,
        classes=classes,
        train=(images[train_idx].contiguous(), y[train_idx]),
        val=(images[val_idx].contiguous(), y[val_idx]),
        input_shape=input_shape,
        notes=notes,
        native_shape=native,
    )


def _notes(
    count: int,
    resized: int,
    recoloured: int,
    channels: int,
    height: int,
    width: int,
    root: Path,
    skipped: list[Path],
) -> list[str]:
    notes = []
    if resized:
        verb = "was" if resized == 1 else "were"
        notes.append(
            f"{resized} of {count} images {verb} resized to {height}×{width} "
            "to fit the network's input."
        )
    if recoloured:
        if channels == 1:
            change = "colour image was" if recoloured == 1 else "colour images were"
            change += " converted to grayscale"
        else:
            change = "grayscale image was" if recoloured == 1 else "grayscale images were"
            change += " repeated into 3 colour channels"
        notes.append(f"{recoloured} {change} to fit the network's input.")
    if skipped:
        example = skipped[0].relative_to(root).as_posix()
        what = (
            "1 file was skipped because it is not an image or could not be read"
            if len(skipped) == 1
            else f"{len(skipped)} files were skipped because they are not images or could "
            "not be read"
        )
        notes.append(f"{what} (for example {example}).")
    return notes
