"""Helpers shared by CLI verbs: reading a project or model file by its contents."""

from __future__ import annotations

from pathlib import Path

from studio.core.errors import FileFormatError
from studio.core.io.atomic import read_head
from studio.core.io.model_file import ModelFile, load_model, load_weights
from studio.core.io.project_file import load_project
from studio.core.project import Project


def is_model_path(path: str | Path) -> bool:
    """Model files are zip archives (torch.save); projects are JSON text.

    Only a regular file is looked into, so a FIFO or a device never blocks here.
    """
    head = read_head(path, 4)
    return head.startswith(b"PK") or head[:1] == b"\x80"


def load_project_or_model(path: str | Path) -> tuple[Project, ModelFile | None]:
    """Open ``path`` as a model file if it is one, else as a project."""
    if not Path(path).exists():
        raise FileFormatError("There is no file at {path}.", path=str(path))
    if is_model_path(path):
        model = load_model(path)
        return model.project, model
    return load_project(path), None


def load_model_with_project(path: str | Path, project_path: str | Path | None) -> ModelFile:
    """A model file, or a bare state_dict paired with the project that describes it."""
    if project_path is None:
        return load_model(path)
    project = load_project(project_path)
    return ModelFile(project=project, state_dict=load_weights(path, project))
