"""Project files: human-readable JSON with a format name and a schema version.

Older schema versions are brought up to date by the functions in ``MIGRATIONS``
(one per version step), so a file written by any earlier release still opens.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from studio.core.errors import ArchitectureError, FileFormatError
from studio.core.io.atomic import read_file, write_atomic
from studio.core.project import Project

FORMAT = "sequential-studio-project"
SCHEMA_VERSION = 1
MAX_PROJECT_BYTES = 20_000_000
MAX_NUMBER_DIGITS = 30
"""No setting needs more digits; longer numbers are refused while parsing (Python's own
limit of 4,300 digits would otherwise surface as a bare ValueError)."""

Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: dict[int, Migration] = {
    # version N -> N+1, e.g. 1: _from_v1. None yet: version 1 is the first.
}


def project_to_json(project: Project) -> dict[str, Any]:
    return {"format": FORMAT, "schema_version": SCHEMA_VERSION, **project.to_dict()}


def save_project(path: str | os.PathLike[str], project: Project) -> None:
    """Write the project atomically as indented UTF-8 JSON."""
    text = json.dumps(project_to_json(project), indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))


def load_project(path: str | os.PathLike[str]) -> Project:
    """Read a project file; every failure is a ``FileFormatError`` with one clear sentence."""
    target = Path(path)
    raw = read_file(target, "project file", MAX_PROJECT_BYTES)
    project = project_from_bytes(raw, target.name)
    project.base_folder = target.resolve().parent  # where "initial_weights" is relative to
    return project


def project_from_bytes(raw: bytes, name: str = "the project") -> Project:
    if not raw.strip():
        raise FileFormatError("{name} is empty. It is not a Sequential Studio project.", name=name)

    def parse_int(text: str) -> int:
        digits = len(text.lstrip("-"))
        if digits > MAX_NUMBER_DIGITS:
            raise FileFormatError(
                "{name} holds a number with {digits} digits, far beyond any setting. The file "
                "is damaged or is not a Sequential Studio project.",
                name=name,
                digits=digits,
            )
        return int(text)

    try:
        data = json.loads(raw.decode("utf-8"), parse_int=parse_int)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FileFormatError(
            "{name} is not valid JSON, so it is not a readable project. It may be damaged or "
            "be another kind of file.",
            name=name,
        ) from None
    return project_from_json(data, name)


def project_from_json(data: Any, name: str = "the project") -> Project:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FileFormatError(
            '{name} is not a Sequential Studio project (it has no "format": "{fmt}" field). '
            "To bring in a network from PyTorch code, use Import instead.",
            name=name,
            fmt=FORMAT,
        )
    version = data.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise FileFormatError("{name} has no valid schema_version.", name=name)
    if version > SCHEMA_VERSION:
        raise FileFormatError(
            "{name} was written by a newer version of Sequential Studio (project format "
            "{version}; this one reads up to {ours}). Update the program to open it.",
            name=name,
            version=version,
            ours=SCHEMA_VERSION,
        )
    data = migrate(data)
    try:
        return Project.from_dict(data)
    except ArchitectureError as error:
        raise FileFormatError(
            "{name} has an invalid architecture: {detail}", name=name, detail=error.message
        ) from error
    except FileFormatError as error:
        raise FileFormatError("{name}: {detail}", name=name, detail=error.message) from error


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Apply migrations from the file's schema version up to the current one."""
    version = data["schema_version"]
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data
