"""Atomic writes and careful reads.

A file on disk is always the complete old version or the complete new one: data goes
to a temporary file beside the target, is flushed, then moved over it. The new file
gets the mode the umask gives (or the mode of the file it replaces), and leftovers of
writers killed mid-save are removed on the next save to the same folder. Reads accept
only regular files, never block (FIFOs) and never read more than a cap.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from studio.core.errors import FileFormatError

STALE_SECONDS = 60.0
"""A temporary file of ours untouched this long (or whose writer is gone) is a leftover."""

_TMP_RE = re.compile(r"^\..+\.(?P<pid>\d+)\.[A-Za-z0-9_]{8}\.tmp$")
_LEGACY_TMP_RE = re.compile(r"^\..+\.(json|pt|py|csv|svg|png)\.[A-Za-z0-9_]{8}\.tmp$")
"""Files written before the writer's pid was part of the name (``.NAME.xxxxxxxx.tmp``)."""


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO]:
    """Yield a temporary file beside ``path``; on success flush, fsync and ``os.replace`` it.

    On any failure the temporary file is removed and ``path`` is untouched.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    remove_stale_temp_files(directory)
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=directory
        )
    except OSError as error:
        raise _write_error(target, error) from error
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), _mode_for(target))
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except OSError as error:
        _remove_quietly(tmp_name)
        raise _write_error(target, error) from error
    except BaseException:
        _remove_quietly(tmp_name)
        raise


def _write_error(target: Path, error: OSError) -> FileFormatError:
    return FileFormatError(
        "Could not write {path}: {reason}. Choose another folder or free some space.",
        path=str(target),
        reason=error.strerror or str(error),
    )


def write_atomic(
    path: str | os.PathLike[str], write: Callable[[IO], None], mode: str = "wb"
) -> None:
    """Call ``write(handle)`` on a temporary file and move it over ``path`` only if it succeeds."""
    with atomic_writer(path, mode) as handle:
        write(handle)


def current_umask() -> int:
    """The process umask, read without changing it where the system allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)  # elsewhere: read it by setting it, then put it back at once
    os.umask(mask)
    return mask


def _mode_for(target: Path) -> int:
    """A replaced file keeps its mode; a new one gets what the umask gives (0644 under 022)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~current_umask()


def remove_stale_temp_files(directory: Path, now: float | None = None) -> list[Path]:
    """Remove leftovers of our own temporary-file pattern whose writer is gone.

    Only names like ``.NAME.PID.xxxxxxxx.tmp`` count: such a file is stale when that
    process no longer runs, or when it has not changed for ``STALE_SECONDS`` and is
    not this process's. Older names without a pid count only after ``STALE_SECONDS``.
    A concurrent writer's file is left alone.
    """
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.endswith(".tmp") or not entry.name.startswith("."):
            continue
        if _is_stale(entry, now):
            with contextlib.suppress(OSError):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _is_stale(entry: os.DirEntry, now: float) -> bool:
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    old = now - info.st_mtime > STALE_SECONDS
    match = _TMP_RE.match(entry.name)
    if match:
        pid = int(match.group("pid"))
        if pid == os.getpid():
            return False
        return old or not _process_alive(pid)
    return bool(_LEGACY_TMP_RE.match(entry.name)) and old


def _process_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or a number we cannot ask about): leave it
    return True


def _remove_quietly(name: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)


def read_file(path: str | os.PathLike[str], kind: str, max_bytes: int | None = None) -> bytes:
    """Read a whole regular file, at most ``max_bytes``; anything else is one sentence.

    A folder, a device such as ``/dev/zero`` or a FIFO is refused without reading
    (the file is opened non-blocking, so a FIFO with no writer cannot hang us).
    ``kind`` names what was expected ("project file", "model file") for the messages.
    """
    target = Path(path)
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileFormatError("There is no file at {path}.", path=str(target)) from None
    except IsADirectoryError:
        raise _folder_error(target, kind) from None
    except OSError as error:
        raise FileFormatError(
            "Could not read {path}: {reason}.", path=str(target), reason=error.strerror
        ) from error
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _folder_error(target, kind)
        if not stat.S_ISREG(info.st_mode):
            raise FileFormatError(
                "{path} is not a regular file (it is a device, pipe or socket), so it is not "
                "a {kind}.",
                path=str(target),
                kind=kind,
            )
        if max_bytes is not None and info.st_size > max_bytes:
            raise _too_large(target, info.st_size, kind)
        return _read_all(fd, target, kind, max_bytes)
    except OSError as error:
        raise FileFormatError(
            "Could not read {path}: {reason}.", path=str(target), reason=error.strerror
        ) from error
    finally:
        os.close(fd)


def _read_all(fd: int, target: Path, kind: str, max_bytes: int | None) -> bytes:
    """Read to the end, stopping past the cap even if the file grows while we read."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise _too_large(target, size, kind)


def read_head(path: str | os.PathLike[str], count: int) -> bytes:
    """The first ``count`` bytes of a regular file, or b"" for anything else (never blocks)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return b""
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return b""
        return os.read(fd, count)
    except OSError:
        return b""
    finally:
        os.close(fd)


def _folder_error(target: Path, kind: str) -> FileFormatError:
    return FileFormatError("{path} is a folder, not a {kind}.", path=str(target), kind=kind)


def _too_large(target: Path, size: int, kind: str) -> FileFormatError:
    return FileFormatError(
        "{name} is {mb} MB, far too large for a {kind}. Check that you chose the right file.",
        name=target.name,
        mb=size // 1_000_000,
        kind=kind,
    )
