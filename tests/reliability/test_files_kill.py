"""``kill -9`` during saves: the file on disk is always the whole old or the whole new version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from studio.core.io.model_file import load_model
from studio.core.io.project_file import load_project, save_project

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]

WRITER = r"""
import sys
from pathlib import Path

from studio.core.architecture import Architecture, Block
from studio.core.io.model_file import ModelFile, save_model
from studio.core.io.project_file import save_project
from studio.core.project import Project

folder = Path(sys.argv[1])
version = 0
ready = folder / "ready"
while True:
    version += 1
    width = 16 + (version % 2) * 4000  # alternate small and large files
    blocks = [Block.create("Flatten"), Block.create("Linear", out_features=width)]
    arch = Architecture((1, 28, 28), blocks)
    project = Project(arch, name=f"v{version}")
    save_project(folder / "p.json", project)
    net = arch.build()
    save_model(folder / "m.pt", ModelFile(project=project, state_dict=net.state_dict()))
    ready.touch()
"""


def test_sigkill_during_saves_never_leaves_a_broken_file(tmp_path: Path):
    """Three writers start together (one torch import's wait) and die at different moments."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    folders = [tmp_path / f"w{i}" for i in range(3)]
    children = []
    try:
        for folder in folders:
            folder.mkdir()
            children.append(subprocess.Popen([sys.executable, "-c", WRITER, str(folder)], env=env))
        deadline = time.monotonic() + 90
        while not all((f / "ready").exists() for f in folders):
            assert time.monotonic() < deadline, "the writers never saved"
            assert all(c.poll() is None for c in children), "a writer died"
            time.sleep(0.05)
        for child in children:
            time.sleep(0.13)  # land in different phases of a save
            child.send_signal(signal.SIGKILL)
    finally:
        for child in children:
            child.kill()
            child.wait()
    for folder in folders:
        project = load_project(folder / "p.json")  # whole, or this raises
        model = load_model(folder / "m.pt")
        width = model.project.architecture.to_dict()["layers"][1]["params"]["out_features"]
        assert width in (16, 4016) and project.name.startswith("v")
        leftovers = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
        save_project(folder / "p.json", project)  # the next save clears what the kill left
        assert all(not p.exists() for p in leftovers)
