"""Model files: a plain dict for ``torch.save``, read only with ``weights_only=True``.

The dict holds the format name and version, the project (as its JSON dict), the
``state_dict`` with plain ``nn.Sequential`` keys, the class names and input
normalisation, the metric history, and what resuming needs. Nothing in it is a
pickled object, so ``torch.load(path)`` opens it in any PyTorch, and the weights
load straight into the exported code's model.
"""

from __future__ import annotations

import io
import os
import pickle
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from studio import __version__
from studio.core.errors import ArchitectureError, FileFormatError, StudioError
from studio.core.io import model_checks as checks
from studio.core.io.atomic import read_file, write_atomic
from studio.core.io.project_file import project_from_json, project_to_json
from studio.core.project import Project

FORMAT = "sequential-studio-model"
VERSION = 1
MAX_MODEL_BYTES = 4_000_000_000
_ALLOWED_DTYPES = {
    torch.float32,
    torch.float64,
    torch.float16,
    torch.bfloat16,
    torch.int64,
    torch.int32,
    torch.uint8,
    torch.bool,
}


@dataclass
class ModelFile:
    """What a model file holds, checked against its own architecture."""

    project: Project
    state_dict: dict[str, torch.Tensor]
    classes: list[str] = field(default_factory=list)
    mean: tuple[float, ...] = ()
    std: tuple[float, ...] = ()
    metrics: list[dict[str, Any]] = field(default_factory=list)
    resume: dict[str, Any] | None = None
    loss_curve: list[list[float]] = field(default_factory=list)
    """[global step, training loss, learning rate] as training reported them."""

    def build_model(self) -> torch.nn.Module:
        """The project's ``nn.Sequential`` with these weights loaded, in eval mode."""
        model = self.project.architecture.build()
        model.load_state_dict(self.state_dict)
        return model.eval()


def model_to_dict(model_file: ModelFile) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "app_version": __version__,
        "project": project_to_json(model_file.project),
        "state_dict": {k: v.detach().cpu() for k, v in model_file.state_dict.items()},
        "classes": list(model_file.classes),
        "normalization": {"mean": list(model_file.mean), "std": list(model_file.std)},
        "metrics": list(model_file.metrics),
        "resume": model_file.resume,
        "loss_curve": [list(p) for p in model_file.loss_curve],
    }


def save_model(path: str | os.PathLike[str], model_file: ModelFile) -> None:
    """Save atomically: a crash mid-save leaves the previous file intact."""
    payload = model_to_dict(model_file)
    write_atomic(path, lambda handle: torch.save(payload, handle))


def read_torch_file(path: str | os.PathLike[str]) -> Any:
    """``torch.load`` with ``weights_only=True``, every failure turned into one sentence."""
    target = Path(path)
    name = target.name
    raw = read_file(target, "model file", MAX_MODEL_BYTES)
    if not raw:
        raise FileFormatError("{name} is empty (0 bytes). It is not a model file.", name=name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch warns about pickle protocols on odd files
            return torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "global" in str(error).lower():
            raise FileFormatError(
                "{name} contains code or Python objects, not just weights, so it was not "
                "loaded. Only plain weight files can be opened; never trust such files from "
                "unknown sources.",
                name=name,
            ) from error
        raise _damaged(name) from error
    except Exception as error:  # the unpickler raises many kinds on garbage bytes
        raise _damaged(name) from error


def _damaged(name: str) -> FileFormatError:
    return FileFormatError(
        "{name} is damaged or is not a PyTorch file (it may have been cut off while saving "
        "or downloading). Use another copy.",
        name=name,
    )


def load_model(path: str | os.PathLike[str]) -> ModelFile:
    """Read and check a Sequential Studio model file: every field, then the weights."""
    name = Path(path).name
    data = read_torch_file(path)
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        if is_state_dict(data):
            raise FileFormatError(
                "{name} holds only weights (a state_dict), without the network that uses them. "
                "Give the project too (--project FILE.json), or load the weights into an open "
                "project.",
                name=name,
            )
        raise FileFormatError(
            "{name} is a PyTorch file, but not a Sequential Studio model.", name=name
        )
    version = checks.check_version(data.get("version"), name)
    if version > VERSION:
        raise FileFormatError(
            "{name} was written by a newer version of Sequential Studio (model format {v}; "
            "this one reads up to {ours}). Update the program to open it.",
            name=name,
            v=version,
            ours=VERSION,
        )
    project = project_from_json(data.get("project"), name)
    mean, std = checks.check_normalization(
        data.get("normalization"), project.architecture.input_shape, name
    )
    classes = checks.check_classes(data.get("classes"), name)
    metrics = checks.check_metrics(data.get("metrics"), name)
    resume = checks.check_resume(data.get("resume"), name)
    state_dict = data.get("state_dict")
    check_weights(state_dict, project, name)
    checks.check_finite(state_dict, name)
    return ModelFile(
        project=project,
        state_dict=dict(state_dict),
        classes=classes,
        mean=mean,
        std=std,
        metrics=metrics,
        resume=resume,
        loss_curve=_curve(data.get("loss_curve")),
    )


def load_weights(path: str | os.PathLike[str], project: Project) -> dict[str, torch.Tensor]:
    """Read weights for ``project`` from a model file or a bare ``state_dict`` file."""
    name = Path(path).name
    data = read_torch_file(path)
    if isinstance(data, Mapping) and data.get("format") == FORMAT:
        data = data.get("state_dict")
    elif isinstance(data, Mapping) and is_state_dict(data.get("model_state_dict")):
        data = data["model_state_dict"]
    check_weights(data, project, name)
    checks.check_finite(data, name)
    return dict(data)


def is_state_dict(data: Any) -> bool:
    return (
        isinstance(data, Mapping)
        and bool(data)
        and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in data.items())
    )


def expected_shapes(project: Project, name: str) -> dict[str, tuple[int, ...]]:
    """The state_dict shapes the project's network has, found without allocating it.

    The network is built on torch's ``meta`` device, which records shapes only, so a
    file that claims a huge network costs nothing here.
    """
    try:
        with torch.device("meta"):
            expected = project.architecture.build().state_dict()
    except ArchitectureError as error:
        raise FileFormatError(
            "{name} has an architecture that cannot be built: {detail}",
            name=name,
            detail=error,
        ) from error
    return {key: tuple(tensor.shape) for key, tensor in expected.items()}


def check_weights(state_dict: Any, project: Project, name: str) -> None:
    """Check keys, shapes and dtypes against the project's network; refuse sparse tensors.

    Only after the saved tensors match the shapes computed without allocating is it
    safe to build the network for real.
    """
    checks.check_state_entries(state_dict, tuple(_ALLOWED_DTYPES), name)
    expected = expected_shapes(project, name)
    missing = [k for k in expected if k not in state_dict]
    extra = [k for k in state_dict if k not in expected]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing[:4])}{' …' if len(missing) > 4 else ''}")
        if extra:
            parts.append(f"unexpected {', '.join(extra[:4])}{' …' if len(extra) > 4 else ''}")
        raise FileFormatError(
            "The weights in {name} do not fit this network ({detail}). They belong to a "
            "different architecture.",
            name=name,
            detail="; ".join(parts),
        )
    for key, shape in expected.items():
        if tuple(state_dict[key].shape) != shape:
            raise FileFormatError(
                "The weights in {name} do not fit this network: {key} has shape {got}, the "
                "network needs {want}.",
                name=name,
                key=key,
                got=list(state_dict[key].shape),
                want=list(shape),
            )


def _curve(value: Any) -> list[list[float]]:
    """The saved training-loss points; anything malformed is dropped (it is only a picture)."""
    if not isinstance(value, list):
        return []
    points = []
    for point in value[:100_000]:  # a picture needs no more; a file may claim any number
        if (
            isinstance(point, (list, tuple))
            and len(point) == 3
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point)
        ):
            points.append([float(v) for v in point])
    return points


__all__ = [
    "FORMAT",
    "VERSION",
    "ModelFile",
    "StudioError",
    "load_model",
    "load_weights",
    "read_torch_file",
    "save_model",
]
