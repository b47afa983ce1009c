"""The rules every writer follows before it writes, in one place.

- An output never replaces one of the command's inputs, even when asked to (paths
  are compared resolved, so a symlink, ``./`` or a hard link counts as the same file).
- An existing file is kept unless the caller says ``force``.
- The output folder is checked before any long work starts.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from studio.core.errors import FileFormatError

PathLike = str | os.PathLike[str]


def same_file(a: PathLike, b: PathLike) -> bool:
    """True when both paths name one file: resolved equal, or the same inode."""
    first, second = Path(a), Path(b)
    with contextlib.suppress(OSError, RuntimeError):
        if first.resolve() == second.resolve():
            return True
    with contextlib.suppress(OSError):
        return os.path.samefile(first, second)
    return False


def refuse_input(output: PathLike, inputs: Iterable[PathLike | None]) -> None:
    """Raise when ``output`` is one of ``inputs``: writing there would destroy an input."""
    for source in inputs:
        if source is not None and same_file(output, source):
            raise FileFormatError(
                "{output} is also an input of this command ({source}); writing there would "
                "destroy it. Choose another output file.",
                output=str(output),
                source=str(source),
            )


def check_output(
    output: PathLike, inputs: Iterable[PathLike | None] = (), force: bool = False
) -> Path:
    """The checks before writing ``output``: not an input, not a folder, kept unless ``force``."""
    target = Path(output)
    refuse_input(target, inputs)
    if target.is_dir():
        raise FileFormatError("{path} is a folder; give a file name to write to.", path=str(target))
    if (target.exists() or target.is_symlink()) and not force:
        raise FileFormatError(
            "{path} already exists. Choose another name, or add --force to replace it.",
            path=str(target),
        )
    return target


def free_name(path: PathLike, inputs: Iterable[PathLike | None] = ()) -> Path:
    """``path`` if nothing is there, else ``NAME-2.EXT``, ``NAME-3.EXT``… (never an input)."""
    target = Path(path)
    sources = [s for s in inputs if s is not None]
    candidate = target
    number = 1
    while (
        candidate.exists()
        or candidate.is_symlink()
        or any(same_file(candidate, s) for s in sources)
    ):
        number += 1
        candidate = target.with_name(f"{target.stem}-{number}{target.suffix}")
    return candidate


def check_folder_writable(path: PathLike) -> None:
    """Fail now, not after an hour of training, when ``path`` cannot be written there.

    The folder must exist, be a folder, and take a file: a trial temporary file is
    created and removed (permission bits alone do not tell, e.g. on a read-only mount).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise FileFormatError(
            "The folder {folder} does not exist; create it or choose another place for {name}.",
            folder=str(folder),
            name=target.name,
        )
    try:
        fd, trial = tempfile.mkstemp(
            prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=folder
        )
    except OSError as error:
        raise FileFormatError(
            "Cannot write {name} in {folder}: {reason}. Choose another folder.",
            name=target.name,
            folder=str(folder),
            reason=error.strerror or str(error),
        ) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(trial)
