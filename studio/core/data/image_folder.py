"""A folder with one sub-folder of images per class (torchvision's ImageFolder layout).

Every image is decoded once with PIL straight to the network's channels and
size, so a folder of large photos never sits in memory at full resolution.
Files that are not images or cannot be read are skipped and counted.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from studio.core.data.adapt import check_input_shape
from studio.core.data.assemble import assemble
from studio.core.data.base import LoadedData
from studio.core.data.split import SPLIT_SEED, stratified_split
from studio.core.data.streaming_choice import available_memory, choose_loading
from studio.core.errors import DatasetError

NAME = "image-folder"
NOTE_TITLE = "The folder's"
MAX_PIXELS = 89_478_485
"""PIL's decompression-bomb limit (``Image.MAX_IMAGE_PIXELS``), kept here whatever PIL's is."""
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
    for path, label, regular in _entries(root, classes):
        if regular and is_image_name(path.name):
            files.append((path, label))
        else:
            skipped.append(path)
    return files, skipped


def _entries(root: Path, classes: list[str]) -> Iterator[tuple[Path, int, bool]]:
    """Each file under the class folders once: (path, class index, is a regular file).

    Links are followed, but every real folder is entered once, never back into the
    root (``b/up -> ..``) or into another class's folder, and a file reached twice
    (a link, a hard link) counts once; so a symlink loop cannot hang the walk or put
    one image in two classes or both splits. FIFOs, sockets and devices come out as
    not regular, and are never opened.
    """
    root_real = Path(os.path.realpath(root))
    class_reals = [Path(os.path.realpath(root / name)) for name in classes]
    entered: set[Path] = set()
    counted: set[tuple[int, int]] = set()
    for label, name in enumerate(classes):
        if class_reals[label] in entered:
            continue  # two class names for one folder: its images count once
        entered.add(class_reals[label])
        others = [real for i, real in enumerate(class_reals) if i != label]
        pending = [root / name]
        while pending:
            folder = pending.pop()
            subfolders = []
            for path, info in _listing(folder):
                if info is not None and stat.S_ISDIR(info.st_mode):
                    real = Path(os.path.realpath(path))
                    if real in entered or _leaves_class(real, root_real, others):
                        continue
                    entered.add(real)
                    subfolders.append(path)
                elif info is not None and stat.S_ISREG(info.st_mode):
                    if (info.st_dev, info.st_ino) not in counted:
                        counted.add((info.st_dev, info.st_ino))
                        yield path, label, True
                else:  # a FIFO, socket, device or broken link
                    yield path, label, False
            pending.extend(reversed(subfolders))


def _listing(folder: Path) -> list[tuple[Path, os.stat_result | None]]:
    """Visible entries of a folder in name order, each with its (followed) stat if any."""
    try:
        names = sorted(e.name for e in os.scandir(folder) if not e.name.startswith("."))
    except OSError:
        return []
    found = []
    for name in names:
        path = folder / name
        try:
            found.append((path, path.stat()))
        except (OSError, ValueError):
            found.append((path, None))
    return found


def _leaves_class(real: Path, root_real: Path, other_classes: list[Path]) -> bool:
    """A linked folder that is the root or above it, or inside another class's folder."""
    if root_real == real or root_real.is_relative_to(real):
        return True
    return any(real == other or real.is_relative_to(other) for other in other_classes)


def _too_large(size: tuple[int, int]) -> bool:
    return size[0] * size[1] > MAX_PIXELS


def probe_shape(path: Path) -> tuple[int, int, int] | None:
    """(C, H, W) from the image header alone, or None if it is not a readable image."""
    try:
        with Image.open(path) as im:
            if _too_large(im.size):
                return None
            width, height = im.size
            return (1 if im.mode in GRAY_MODES else 3, height, width)
    except Exception:
        return None


def first_shape(root: Path, classes: list[str]) -> tuple[int, int, int]:
    """The shape of the first readable image, walking the class folders in order."""
    for path, _label, regular in _entries(root, classes):
        if regular and is_image_name(path.name):
            shape = probe_shape(path)
            if shape is not None:
                return shape
    raise _no_readable_images(root)


class ImageTooLarge(Exception):
    """An image's header claims more pixels than ``MAX_PIXELS``: refused before decoding."""


def decode(path: Path, channels: int, height: int, width: int) -> tuple[np.ndarray, str, bool]:
    """Decode one image to (H, W, C) uint8; also return its own mode and whether it was resized.

    ``draft`` lets JPEG decode at 1/2, 1/4 or 1/8 scale and ``reducing_gap``
    shrinks by whole factors first, so a huge photo costs little memory and time.
    """
    mode = "L" if channels == 1 else "RGB"
    try:
        opened = Image.open(path)
    except Image.DecompressionBombError as error:
        raise ImageTooLarge(str(path)) from error
    with opened as im:
        if _too_large(im.size):  # checked from the header, before any pixel is decoded
            raise ImageTooLarge(str(path))
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
    loading: str = "preload",
    stream: Callable[..., LoadedData] | None = None,
) -> LoadedData:
    """Decode the whole folder once, at the network's channels and size, then split by class;
    or, as ``loading`` says or if it would not fit in memory, ``stream`` it from disk."""
    root, classes = _classes(path)
    files, skipped = scan(root, classes)
    native = _first_readable_shape(files, root)
    check_input_shape(input_shape, native)
    channels, height, width = input_shape if len(input_shape) == 3 else native
    choice = choose_loading(loading, len(files), (channels, height, width), available_memory())
    if choice.stream and stream is not None:  # streaming.load_streamed_folder
        listing, shape = (root, classes, files, skipped), (channels, height, width)
        return stream(*listing, input_shape, shape, native, val_fraction, choice, checkpoint)
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
    too_large: list[Path] = []
    for path_, label in files:
        if checkpoint is not None:
            checkpoint()  # Stop (or closing the window) abandons a long load here
        try:
            array, source_mode, was_resized = decode(path_, channels, height, width)
        except ImageTooLarge:
            too_large.append(path_)
            continue
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
        raise _split_error(root, counts, val_fraction)
    images = torch.from_numpy(buffer[: len(labels)]).permute(0, 3, 1, 2)
    y = torch.from_numpy(label_array)
    notes = _notes(len(labels), resized, recoloured, channels, height, width, root, skipped)
    notes += _too_large_note(too_large, root)
    data = assemble(
        name=NAME,
        title=NOTE_TITLE,
        classes=classes,
        train=(images[train_idx].contiguous(), y[train_idx]),
        val=(images[val_idx].contiguous(), y[val_idx]),
        input_shape=input_shape,
        notes=notes,
        native_shape=native,
    )
    data.loading = choice
    return data


def _classes(path: str | Path) -> tuple[Path, list[str]]:
    """The folder and its class names, or a DatasetError if it has fewer than two."""
    root = check_folder(path)
    classes = list_classes(root)
    if len(classes) < 2:
        raise DatasetError(
            "The folder {path} has only one class ({name}); a classifier needs at least two "
            "sub-folders of images.",
            path=str(root),
            name=classes[0],
        )
    return root, classes


def _first_readable_shape(files: list[tuple[Path, int]], root: Path) -> tuple[int, int, int]:
    for path, _label in files:
        shape = probe_shape(path)
        if shape is not None:
            return shape
    raise _no_readable_images(root)


def _split_error(root: Path, counts: np.ndarray, val_fraction: float) -> DatasetError:
    """Why no image is left for validation (or training): too few images in every class."""
    needed = next((n for n in range(2, 100_000) if 1 <= round(n * val_fraction) < n), 100_000)
    return DatasetError(
        "Each of the {classes} classes in {path} has too few images to keep {percent:.0f} % "
        "for validation: that needs {needed} images per class, and the largest class has "
        "{most}. Use fewer classes with more images each, or change the validation share.",
        classes=len(counts),
        path=str(root),
        percent=val_fraction * 100,
        needed=needed,
        most=int(counts.max()),
    )


def _too_large_note(too_large: list[Path], root: Path) -> list[str]:
    if not too_large:
        return []
    example = too_large[0].relative_to(root).as_posix()
    what = "1 image was" if len(too_large) == 1 else f"{len(too_large)} images were"
    return [
        f"{what} skipped because it has more than {MAX_PIXELS:,} pixels, too many to decode "
        f"safely (for example {example})."
    ]


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


def _no_readable_images(root: Path) -> DatasetError:
    return DatasetError(
        "The folder {path} has no readable images; put .png or .jpg images in one sub-folder "
        "per class.",
        path=str(root),
    )
