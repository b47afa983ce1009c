"""Helpers shared by CLI verbs: reading a project or model file by its contents."""

from __future__ import annotations

from pathlib import Path

from studio.core.io.model_file import ModelFile, load_model, load_weights
from studio.core.io.opening import is_model_path, load_project_or_model
from studio.core.io.project_file import load_project


def load_model_with_project(path: str | Path, project_path: str | Path | None) -> ModelFile:
    """A model file, or a bare state_dict paired with the project that describes it."""
    if project_path is None:
        return load_model(path)
    project = load_project(project_path)
    return ModelFile(project=project, state_dict=load_weights(path, project))


__all__ = ["is_model_path", "load_model_with_project", "load_project_or_model"]
