"""Initial weights: the weights a project starts training from, in a file beside it.

A ``--trust`` import traces the file's model, weights included (pretrained ones,
say). Throwing them away would change the network silently, so they are kept in
``<project>.init.pt`` (a plain ``{key: tensor}`` dict, read with
``weights_only=True``) and the project's JSON names it at its top level:
``"initial_weights": "net.init.pt"``, relative to the project file. The trainer
loads them before the first epoch, after checking every key and shape.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from studio.core.errors import FileFormatError, TrainingError
from studio.core.io.atomic import read_file, write_atomic

if TYPE_CHECKING:
    import torch

    from studio.core.project import Project

SUFFIX = ".init.pt"
MAX_BYTES = 8 << 30
"""Far above any network a project holds (vgg16's weights are 0.55 GB)."""

State = dict[str, "torch.Tensor"]


def path_beside(project_path: str | Path) -> Path:
    """``net.init.pt`` for ``net.json``."""
    target = Path(project_path)
    return target.with_name(target.stem + SUFFIX)


def write(path: str | Path, state: State) -> None:
    """Save ``state`` atomically as a plain dict of CPU tensors."""
    import torch

    plain = {str(k): v.detach().cpu().contiguous() for k, v in state.items()}
    buffer = io.BytesIO()
    torch.save(plain, buffer)
    write_atomic(path, lambda handle: handle.write(buffer.getbuffer()))


def read(path: str | Path) -> State:
    """The weights in ``path``; one clear sentence when missing or not a weights file."""
    import torch

    target = Path(path)
    if not target.exists():
        raise FileFormatError(
            "The project starts from the weights in {path}, but that file is missing. Put it "
            'back beside the project, or remove "initial_weights" from the project file to '
            "start from fresh weights.",
            path=str(target),
        )
    raw = read_file(target, "weights file", MAX_BYTES)
    try:
        state = torch.load(io.BytesIO(raw), map_location="cpu", weights_only=True)
    except Exception:  # torch raises many kinds for a damaged or foreign file
        state = None
    if not (
        isinstance(state, dict)
        and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items())
    ):
        raise FileFormatError(
            "{path} is not a weights file (a saved dict of tensors), so training cannot start "
            "from it.",
            path=str(target),
        )
    return state


def project_state(project: Project) -> State | None:
    """The weights the project starts from: kept in memory after an import, else its file."""
    if project.initial_state is not None:
        return project.initial_state
    if not project.initial_weights:
        return None
    target = Path(project.initial_weights)
    if not target.is_absolute() and project.base_folder is not None:
        target = project.base_folder / target
    return read(target)


def apply(model: torch.nn.Module, state: State) -> None:
    """Load ``state`` into ``model`` after checking that every key and shape matches."""
    expected = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    given = {k: tuple(v.shape) for k, v in state.items()}
    if expected != given:
        missing = sorted(set(expected) - set(given))
        wrong = sorted(k for k in set(expected) & set(given) if expected[k] != given[k])
        extra = sorted(set(given) - set(expected))
        first = (wrong or missing or extra)[0]
        raise TrainingError(
            "The project's initial weights do not fit its network ({key}: {detail}); the "
            'network was changed after they were saved. Remove "initial_weights" from the '
            "project (or import the code again) to train from fresh weights.",
            key=first,
            detail=_detail(first, expected, given),
        )
    model.load_state_dict(state)


def _detail(key: str, expected: dict, given: dict) -> str:
    if key not in given:
        return "missing"
    if key not in expected:
        return "not in the network"
    return f"{list(given[key])} where the network has {list(expected[key])}"


def save_beside(project_path: str | Path, project: Project) -> Path | None:
    """Write the project's initial weights beside ``project_path`` and point the project there.

    Called before the project itself is saved, so its JSON names the file just written.
    Returns the weights file, or ``None`` when the project has no initial weights.
    """
    state = project_state(project) if project.initial_weights or project.initial_state else None
    if state is None:
        return None
    target = path_beside(project_path)
    current = project.base_folder / project.initial_weights if project.base_folder else None
    if (
        project.initial_state is not None
        or current is None
        or current.resolve() != target.resolve()
    ):
        write(target, state)
    project.initial_weights = target.name
    project.base_folder = target.parent
    project.initial_state = None
    return target


def start_from_initial_weights(model: torch.nn.Module, project: Project, notes: list) -> None:
    """The trainer's hook: load the project's initial weights, if it has any, and say so."""
    state = project_state(project)
    if state is None:
        return
    apply(model, state)
    where = project.initial_weights or "the imported code"
    notes.append(f"Training starts from the initial weights in {where}.")
