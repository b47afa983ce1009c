"""From imported code to a project, the same way for ``studio import`` and the window.

An exported script carries its project (name, dataset, every training setting and
the architecture) as one JSON constant, ``STUDIO_PROJECT``; importing the script
restores that project exactly. Code without it gets the network it defines, a
dataset that fits its input and the default training settings.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from studio.core.architecture import Architecture
from studio.core.codegen.importer import ImportResult, import_code
from studio.core.errors import CodeImportError, Message, StudioError
from studio.core.project import DatasetConfig, Project

EMBED_NAME = "STUDIO_PROJECT"
MAX_SOURCE_BYTES = 5_000_000
LINE_WIDTH = 96
"""Longest line of the embedded constant (the exported script keeps to 100 columns)."""

DATASET_FOR_SHAPE = {
    (1, 28, 28): "mnist-sample",
    (784,): "mnist-sample",
    (3, 32, 32): "cifar10",
    (3072,): "cifar10",
}
"""Datasets whose images are exactly the input; other inputs go by their channel count."""

Importer = Callable[..., ImportResult]


@dataclass
class ImportedProject:
    """The project made from code, and sentences about how (for a status line or stdout)."""

    project: Project
    notes: list[str | Message] = field(default_factory=list)
    restored: bool = False
    """Whether the code carried its project (an exported script) and it was restored."""


# --- writing ------------------------------------------------------------------------------


def embedded_constant(project: Project) -> str:
    """``STUDIO_PROJECT = (...)``: the project as JSON, in string pieces of at most 96 columns."""
    from studio.core.io.project_file import project_to_json

    text = json.dumps(project_to_json(project), ensure_ascii=True, separators=(", ", ": "))
    lines = [f"    {piece!r}" for piece in _pieces(text, LINE_WIDTH - 6)]
    return (
        "# The project this script was exported from; `studio import` restores it exactly.\n"
        f"{EMBED_NAME} = (\n" + "\n".join(lines) + "\n)"
    )


def _pieces(text: str, width: int) -> list[str]:
    """Cut ``text`` after ", " where possible so each piece's repr fits in ``width``."""
    pieces: list[str] = []
    current = ""
    for token in filter(None, re.split(r"(?<=, )", text)):
        if current and len(repr(current + token)) > width:
            pieces.append(current)
            current = ""
        current += token
        while len(repr(current)) > width:  # one long value: cut it where it must be
            cut = width - 2
            while cut > 1 and len(repr(current[:cut])) > width:
                cut -= 1
            pieces.append(current[:cut])
            current = current[cut:]
    if current:
        pieces.append(current)
    return pieces


# --- reading ------------------------------------------------------------------------------


def read_source(path: Path) -> str:
    """The file's text, with one clear sentence for a missing, huge, special or binary file."""
    from studio.core.errors import FileFormatError
    from studio.core.io.atomic import read_file

    try:
        raw = read_file(path, "Python file", MAX_SOURCE_BYTES)
    except FileFormatError as error:
        raise CodeImportError("{detail}", detail=error) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise CodeImportError(
            "{path} is not UTF-8 text, so it is not a Python file.", path=str(path)
        ) from None


def check_source_size(source: str, filename: str) -> None:
    """Pasted code gets the same size limit as a file."""
    if len(source.encode("utf-8", "replace")) > MAX_SOURCE_BYTES:
        raise CodeImportError(
            "{path} is too large to be a Python file with a network.", path=filename
        )


def embedded_project(source: str, filename: str = "<code>") -> tuple[Project | None, list[Message]]:
    """The project an exported script carries, if any, and a note when it is unreadable."""
    from studio.core.io.project_file import project_from_json

    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, []  # the importer explains what is wrong with the code
    for node in tree.body:
        if not (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == EMBED_NAME
        ):
            continue
        try:
            text = ast.literal_eval(node.value)
            return project_from_json(json.loads(text), Path(filename).name), []
        except (ValueError, TypeError, SyntaxError, RecursionError, StudioError) as error:
            detail = error.message if isinstance(error, StudioError) else "not valid JSON"
            return None, [
                Message(
                    "The project saved in the code could not be read ({detail}); the network "
                    "was imported with the default training settings.",
                    {"detail": detail},
                )
            ]
    return None, []


def guess_dataset(input_shape: tuple[int, ...]) -> str:
    """A dataset whose images fit the input: exact size first, else by channel count."""
    shape = tuple(input_shape)
    if shape in DATASET_FOR_SHAPE:
        return DATASET_FOR_SHAPE[shape]
    if len(shape) == 3 and shape[0] == 3:
        return "cifar10"
    return DatasetConfig().name


def project_from_import(
    result: ImportResult, source: str, filename: str, embedded: Project | None = None
) -> ImportedProject:
    """The project for imported code: its saved project if it carries one, else a new one.

    The network always comes from the code; when it differs from the saved one (the
    script was edited), the code wins and a note says so.
    """
    notes: list[str | Message] = list(result.notes)
    if embedded is None:
        embedded, more = embedded_project(source, filename)
        notes += more
    if embedded is not None:
        project = embedded.copy()
        project.initial_weights, project.initial_state = "", result.state_dict
        if _same_network(project.architecture, result.architecture):
            return ImportedProject(project, notes, restored=True)
        project.architecture = result.architecture
        notes.append(
            Message(
                "The network in the code differs from the project saved with it; the code's "
                "network was used with the saved settings."
            )
        )
        return ImportedProject(project, notes, restored=True)
    arch = result.architecture
    project = Project(
        arch,
        DatasetConfig(guess_dataset(arch.input_shape)),
        name=result.name or Path(filename).stem or "Imported",
        description=f"Imported from {Path(filename).name}.",
    )
    project.initial_state = result.state_dict  # traced weights: training starts from them
    return ImportedProject(project, notes)


def _same_network(saved: Architecture, imported: Architecture) -> bool:
    """Layer inits are compared apart: a script's ``nn.init`` lines come back as every
    layer's own init (the project's Weight init included), so the saved project keeps them."""
    return _without_init(saved.to_dict()) == _without_init(imported.to_dict())


def _without_init(data: dict) -> dict:
    layers = [{k: v for k, v in layer.items() if k != "init"} for layer in data["layers"]]
    return {**data, "layers": layers}


def import_project(
    source: str,
    filename: str,
    *,
    input_shape: tuple[int, ...] | None = None,
    trust: bool = False,
    importer: Importer = import_code,
    constructor_args: list[str] | None = None,
) -> ImportedProject:
    """Code to project in one call; a saved project's input shape is used unless one is given."""
    check_source_size(source, filename)
    embedded, _ = embedded_project(source, filename)
    if input_shape is None and embedded is not None:
        input_shape = tuple(embedded.architecture.input_shape)
    more = {"constructor_args": constructor_args} if constructor_args else {}
    result = importer(source, input_shape=input_shape, trust=trust, filename=filename, **more)
    return project_from_import(result, source, filename)
