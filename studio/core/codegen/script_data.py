"""The data an exported script reads by default, placed beside the script.

A script for the bundled MNIST sample looks for ``data/mnist_5k.npz`` next to
itself, so the folder can move to another machine with no Sequential Studio
installed. An identical copy already there is reused; a different file with
that name is never overwritten.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from studio.core.codegen.script import SCRIPT_DATA
from studio.core.data.paths import SAMPLE_FILE, bundled_sample_path
from studio.core.errors import DatasetError, FileFormatError
from studio.core.io.atomic import write_atomic
from studio.core.project import Project


def script_data_path(project: Project, script: str | Path) -> Path | None:
    """Where the script for ``project`` expects its data beside it, or ``None`` if nowhere."""
    if project.dataset.name != "mnist-sample":
        return None
    return Path(script).parent / SCRIPT_DATA / SAMPLE_FILE


def place_script_data(project: Project, script: str | Path, *, force: bool = False) -> Path | None:
    """Copy the bundled sample to ``data/`` beside ``script``; return the copy's path.

    Returns ``None`` when the project's script needs nothing beside it (a
    torchvision dataset downloads itself, an image folder keeps its path).
    Raises ``FileFormatError`` when a different file already has the name,
    unless ``force`` (the export's ``--force``) allows replacing it.
    """
    target = script_data_path(project, script)
    if target is None:
        return None
    source = bundled_sample_path()
    if not source.is_file():
        raise DatasetError(
            "The bundled MNIST sample is missing from {path}; reinstall Sequential Studio "
            "or choose another dataset.",
            path=str(source),
        )
    if target.exists() and not (force and target.is_file()):
        if target.is_file() and filecmp.cmp(source, target, shallow=False):
            return target  # the same sample from an earlier export
        raise FileFormatError(
            "{path} already exists and is not the bundled MNIST sample, so it was left alone. "
            "Move it away or export the script to another folder.",
            path=str(target),
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise FileFormatError(
            "Could not write {path}: {reason}. Choose another folder or free some space.",
            path=str(target),
            reason=error.strerror or str(error),
        ) from error
    with source.open("rb") as sample:
        write_atomic(target, lambda handle: shutil.copyfileobj(sample, handle))
    return target
