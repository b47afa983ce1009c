"""Atomic writes: a file on disk is always the complete old version or the complete new one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from studio.core.errors import FileFormatError


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO]:
    """Yield a temporary file beside ``path``; on success flush, fsync and ``os.replace`` it.

    On any failure the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise FileFormatError(
            "Could not write {path}: {reason}. Choose another folder or free some space.",
            path=str(target),
            reason=error.strerror or str(error),
        ) from error
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as error:
        _remove_quietly(tmp_name)
        raise FileFormatError(
            "Could not write {path}: {reason}. Choose another folder or free some space.",
            path=str(target),
            reason=error.strerror or str(error),
        ) from error
    except BaseException:
        _remove_quietly(tmp_name)
        raise


def write_atomic(
    path: str | os.PathLike[str], write: Callable[[IO], None], mode: str = "wb"
) -> None:
    """Call ``write(handle)`` on a temporary file and move it over ``path`` only if it succeeds."""
    with atomic_writer(path, mode) as handle:
        write(handle)


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def read_file(path: str | os.PathLike[str], kind: str, max_bytes: int | None = None) -> bytes:
    """Read a whole file; a missing file, a folder or an OS error becomes one sentence.

    ``kind`` names what was expected ("project file", "model file") for the messages.
    """
    target = Path(path)
    try:
        if max_bytes is not None and target.stat().st_size > max_bytes:
            raise FileFormatError(
                "{name} is {mb} MB, far too large for a {kind}. Check that you chose the right "
                "file.",
                name=target.name,
                mb=target.stat().st_size // 1_000_000,
                kind=kind,
            )
        return target.read_bytes()
    except FileNotFoundError:
        raise FileFormatError("There is no file at {path}.", path=str(target)) from None
    except IsADirectoryError:
        raise FileFormatError(
            "{path} is a folder, not a {kind}.", path=str(target), kind=kind
        ) from None
    except OSError as error:
        raise FileFormatError(
            "Could not read {path}: {reason}.", path=str(target), reason=error.strerror
        ) from error
