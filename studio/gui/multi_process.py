"""The window's run on several processes: ``studio train --nproc N`` as a child process.

torchrun's agent must own its process (it installs signal handlers), so the window
does not launch the workers itself: it saves the project to a temporary folder, runs
the same command a person would type, and replays the saved run as events, so the
views show the finished run as they show an opened model file. Stop sends Ctrl-C to
the child's process group: every rank ends and nothing is saved.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import studio
from studio.core.io import initial_weights
from studio.core.io.model_file import load_model
from studio.core.io.project_file import save_project
from studio.core.project import Project
from studio.core.training.events import TrainingFailed, TrainingFinished


@dataclass
class ProcessesResult:
    events: list[Any] = field(default_factory=list)
    model_file: Any = None


class Child:
    """The running ``studio train`` process; ``interrupt`` is Ctrl-C for its whole group."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,  # its own group: Ctrl-C reaches the agent and every rank
        )
        self.interrupted = False

    def interrupt(self) -> None:
        self.interrupted = True
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)


def train_in_processes(
    project: Project,
    processes: int,
    log_root: Path | None,
    on_start: Callable[[Child], None],
) -> ProcessesResult:
    """Train ``project`` on ``processes`` processes; the run's events and its model file."""
    folder = Path(tempfile.mkdtemp(prefix="studio-processes-"))
    try:
        project_path, out = folder / "project.json", folder / "model.pt"
        project = project.copy()  # its initial weights go beside the copy, in this folder
        initial_weights.save_beside(project_path, project)
        save_project(project_path, project)
        argv = [sys.executable, "-m", "studio", "train", str(project_path)]
        argv += ["--nproc", str(processes), "--out", str(out), "--quiet"]
        if log_root is not None:
            argv += ["--tensorboard", str(log_root)]
        child = Child(argv, _child_env())
        on_start(child)
        _, err = child.process.communicate()
        if child.process.returncode == 0 and out.exists():
            from studio.gui.plots.history import events_from_model_file

            model_file = load_model(out)
            return ProcessesResult(events_from_model_file(model_file), model_file)
        if child.interrupted:
            return ProcessesResult([TrainingFinished("stopped", 0, None, None, 0.0)])
        return ProcessesResult(
            [TrainingFailed(_last_message(err)), TrainingFinished("failed", 0, None, None, 0.0)]
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _child_env() -> dict[str, str]:
    """This environment, with this copy of ``studio`` importable in the child."""
    env = dict(os.environ)
    source = str(Path(studio.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (source, env.get("PYTHONPATH")) if p)
    return env


def _last_message(stderr: str) -> str:
    """The child's own one-line explanation ("studio: …"), without the prefix."""
    lines = [line for line in stderr.splitlines() if line.startswith("studio: ")]
    if lines:
        return lines[-1].removeprefix("studio: ")
    return (
        "Training on several processes failed; run studio train --nproc in a terminal to see why."
    )
