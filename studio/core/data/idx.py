"""Cheap checks of MNIST-style IDX files before torchvision reads them.

torchvision's reader asserts on a wrong magic number and fails in ``view`` on a
truncated file; checking the 16-byte header and the file size first lets us say
which file is wrong and what to do.
"""

from __future__ import annotations

import gzip
import math
import os
import shutil
import tempfile
import zlib
from pathlib import Path

from studio.core.errors import DatasetError

IMAGE_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions
LABEL_MAGIC = 0x00000801  # unsigned bytes, 1 dimension


def check_idx_file(path: Path, *, images: bool) -> int:
    """Check magic number and size of an IDX image or label file; return its item count."""
    magic = IMAGE_MAGIC if images else LABEL_MAGIC
    ndim = magic & 0xFF
    header = 4 * (ndim + 1)
    kind = "image" if images else "label"
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(header)
    except OSError as exc:
        raise DatasetError(
            "Could not read {file} in {folder} ({reason}); check the file's permissions.",
            file=path.name,
            folder=str(path.parent),
            reason=exc.strerror or type(exc).__name__,
        ) from exc
    if len(head) < 4 or int.from_bytes(head[:4], "big") != magic:
        raise DatasetError(
            "{file} in {folder} is not an IDX {kind} file (its magic number is wrong); "
            "delete it so it can be downloaded again, or replace it by hand.",
            file=path.name,
            folder=str(path.parent),
            kind=kind,
        )
    dims = [int.from_bytes(head[4 * i : 4 * i + 4], "big") for i in range(1, ndim + 1)]
    # A header cut short counts as truncated; its minimum size is the header itself.
    expected = header + math.prod(dims) if len(head) == header else header
    if size != expected:
        raise DatasetError(
            "{file} in {folder} is truncated or damaged ({size} bytes where {expected} were "
            "expected); delete it so it can be downloaded again, or replace it by hand.",
            file=path.name,
            folder=str(path.parent),
            size=size,
            expected=expected,
        )
    return dims[0]


def unpack_gz(gz_path: Path) -> Path:
    """Decompress ``x.gz`` next to itself as ``x``, atomically, so a failure leaves no half file."""
    target = gz_path.with_suffix("")
    fd, tmp = tempfile.mkstemp(prefix=target.name, suffix=".part", dir=gz_path.parent)
    try:
        with os.fdopen(fd, "wb") as out, gzip.open(gz_path, "rb") as src:
            shutil.copyfileobj(src, out, 1 << 20)
        os.replace(tmp, target)
    except (OSError, EOFError, zlib.error) as exc:
        Path(tmp).unlink(missing_ok=True)
        raise DatasetError(
            "{file} in {folder} is damaged and cannot be unpacked; "
            "delete it so it can be downloaded again, or replace it by hand.",
            file=gz_path.name,
            folder=str(gz_path.parent),
        ) from exc
    return target
