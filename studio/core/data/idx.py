"""Cheap checks of MNIST-style IDX files before torchvision reads them.

torchvision's reader asserts on a wrong magic number and fails in ``view`` on a
truncated file; checking the 16-byte header and the file size first lets us say
which file is wrong and what to do.
"""

from __future__ import annotations

import gzip
import math
import os
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO

from studio.core.errors import DatasetError

IMAGE_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions
LABEL_MAGIC = 0x00000801  # unsigned bytes, 1 dimension


MAX_IDX_BYTES = 1 << 30
"""Far above MNIST's largest file (47 MB): a header that claims more is not believed."""


def check_idx_file(path: Path, *, images: bool) -> int:
    """Check magic number and size of an IDX image or label file; return its item count."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(_header_size(images))
    except OSError as exc:
        raise DatasetError(
            "Could not read {file} in {folder} ({reason}); check the file's permissions.",
            file=path.name,
            folder=str(path.parent),
            reason=exc.strerror or type(exc).__name__,
        ) from exc
    dims = _check_header(head, path, images=images)
    # A header cut short counts as truncated; its minimum size is the header itself.
    expected = _header_size(images) + math.prod(dims) if dims else _header_size(images)
    if size != expected:
        raise _damaged(path, size, expected)
    return dims[0]


def _header_size(images: bool) -> int:
    return 4 * ((IMAGE_MAGIC if images else LABEL_MAGIC) & 0xFF) + 4


def _check_header(head: bytes, path: Path, *, images: bool) -> tuple[int, ...]:
    """The dimensions an IDX header states; ``()`` for a header cut short.

    Refuses a wrong magic number, and sizes beyond ``MAX_IDX_BYTES``.
    """
    magic = IMAGE_MAGIC if images else LABEL_MAGIC
    if len(head) < 4 or int.from_bytes(head[:4], "big") != magic:
        raise DatasetError(
            "{file} in {folder} is not an IDX {kind} file (its magic number is wrong); "
            "delete it so it can be downloaded again, or replace it by hand.",
            file=path.name,
            folder=str(path.parent),
            kind="image" if images else "label",
        )
    if len(head) < _header_size(images):
        return ()
    dims = tuple(
        int.from_bytes(head[4 * i : 4 * i + 4], "big") for i in range(1, (magic & 0xFF) + 1)
    )
    claimed = _header_size(images) + math.prod(dims)
    if claimed > MAX_IDX_BYTES:
        raise DatasetError(
            "{file} in {folder} claims {size} bytes of data, more than an MNIST-style file "
            "holds; delete it so it can be downloaded again, or replace it by hand.",
            file=path.name,
            folder=str(path.parent),
            size=claimed,
        )
    return dims


def _damaged(path: Path, size: int, expected: int) -> DatasetError:
    return DatasetError(
        "{file} in {folder} is truncated or damaged ({size} bytes where {expected} were "
        "expected); delete it so it can be downloaded again, or replace it by hand.",
        file=path.name,
        folder=str(path.parent),
        size=size,
        expected=expected,
    )


def unpack_gz(gz_path: Path, *, images: bool) -> Path:
    """Decompress ``x.gz`` next to itself as ``x``, atomically, so a failure leaves no half file.

    The IDX header is read from the compressed stream first, and no more is unpacked
    than it implies: a small ``.gz`` bomb never fills the disk.
    """
    target = gz_path.with_suffix("")
    fd, tmp = tempfile.mkstemp(prefix=target.name, suffix=".part", dir=gz_path.parent)
    try:
        with os.fdopen(fd, "wb") as out, gzip.open(gz_path, "rb") as src:
            head = src.read(_header_size(images))
            dims = _check_header(head, target, images=images)
            expected = _header_size(images) + math.prod(dims) if dims else _header_size(images)
            out.write(head)
            written = len(head) + _copy_at_most(src, out, expected - len(head) + 1)
        if written != expected:
            raise _damaged(target, written, expected)
        os.replace(tmp, target)
    except (OSError, EOFError, zlib.error) as exc:
        Path(tmp).unlink(missing_ok=True)
        raise DatasetError(
            "{file} in {folder} is damaged and cannot be unpacked; "
            "delete it so it can be downloaded again, or replace it by hand.",
            file=gz_path.name,
            folder=str(gz_path.parent),
        ) from exc
    except DatasetError:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _copy_at_most(src: BinaryIO, out: BinaryIO, limit: int) -> int:
    """Copy up to ``limit`` bytes; the count copied (one more than expected means too long)."""
    copied = 0
    while copied < limit:
        chunk = src.read(min(1 << 20, limit - copied))
        if not chunk:
            break
        out.write(chunk)
        copied += len(chunk)
    return copied
