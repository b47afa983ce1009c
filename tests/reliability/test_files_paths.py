"""Outputs never replace inputs or existing files; modes follow the umask; stale temp files go."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from studio.cli import main
from studio.commands import train as train_command
from studio.core.errors import FileFormatError
from studio.core.io import atomic
from studio.core.io.model_file import load_model
from studio.core.io.outputs import check_folder_writable, free_name, same_file
from studio.core.io.project_file import save_project
from studio.core.training.trainer import Trainer

from .files_support import GENERIC, tiny_project

pytestmark = pytest.mark.reliability


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.json"
    save_project(path, tiny_project())
    return path


@pytest.fixture
def no_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """Train zero batches: the write rules are what is under test, not learning."""
    monkeypatch.setattr(Trainer, "_train", lambda self, run: "completed")


def _one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert not any(g in err[0] for g in GENERIC)
    return err[0]


def _aliases(path: Path) -> list[str]:
    """The same file by other names: ./relative, a symlink, a hard link."""
    link = path.with_name("link.json")
    link.symlink_to(path.name)
    hard = path.with_name("hard.json")
    os.link(path, hard)
    return [str(path), f"./{path.name}", str(link), str(hard)]


@pytest.mark.parametrize(
    "command",
    [
        ["export", "{p}", "-o", "{o}", "--force"],
        ["export", "{p}", "-o", "{o}", "--model-only", "--force"],
        ["train", "{p}", "--out", "{o}", "--force"],
        ["train", "{p}", "--metrics-json", "{o}", "--force"],
        ["import", "{o}", "-o", "{o}", "--force"],
    ],
)
def test_no_writer_writes_onto_its_input(project, command, capsys, monkeypatch, no_training):
    monkeypatch.chdir(project.parent)
    before = project.read_bytes()
    for alias in _aliases(project):
        args = [part.format(p=project, o=alias) for part in command]
        assert main(args) == 2
        assert "is also an input of this command" in _one_error_line(capsys)
        assert project.read_bytes() == before
    assert not list(project.parent.glob("*.pt"))  # refused before training


@pytest.mark.parametrize("verb", ["new", "export", "import"])
def test_an_existing_file_is_kept_unless_force(tmp_path, project, verb, capsys):
    target = tmp_path / "existing.txt"
    target.write_text("precious")
    code = tmp_path / "net.py"
    code.write_text(
        "import torch.nn as nn\nnet = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))\n"
    )
    first = {"new": ["new"], "export": ["export", str(project)], "import": ["import", str(code)]}
    args = [*first[verb], "-o", str(target)]
    if verb == "import":
        args += ["--input-shape", "1,28,28"]
    assert main(args) == 2
    assert "already exists" in _one_error_line(capsys)
    assert target.read_text() == "precious"
    assert main([*args, "--force"]) == 0
    assert target.read_text() != "precious"


def test_train_picks_a_free_name_and_says_so(project, capsys, no_training):
    out = project.with_name("m.pt")
    metrics = project.with_name("m.json")
    out.write_bytes(b"old model")
    metrics.write_text("old metrics")
    args = ["train", str(project), "--out", str(out), "--metrics-json", str(metrics), "--quiet"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert out.read_bytes() == b"old model" and metrics.read_text() == "old metrics"
    assert "saved as m-2.pt" in captured.err and "saved as m-2.json" in captured.err
    assert captured.out.strip().startswith(f"Saved {project.with_name('m-2.pt')}")
    load_model(project.with_name("m-2.pt"))
    assert main([*args, "--force"]) == 0
    load_model(out)
    assert json.loads(metrics.read_text())["epochs"] == []


def test_resuming_a_model_never_writes_onto_it(project, capsys, no_training):
    assert main(["train", str(project), "--quiet"]) == 0
    model = project.with_suffix(".pt")
    before = model.read_bytes()
    assert main(["train", str(model), "--quiet", "--force"]) == 0  # default out = the input
    assert model.read_bytes() == before
    assert "saved as p-2.pt" in capsys.readouterr().err


def test_free_name_and_same_file(tmp_path):
    (tmp_path / "m.pt").write_text("x")
    (tmp_path / "m-2.pt").write_text("x")
    assert free_name(tmp_path / "m.pt") == tmp_path / "m-3.pt"
    assert free_name(tmp_path / "n.pt", [tmp_path / "n.pt"]) == tmp_path / "n-2.pt"
    assert same_file(tmp_path / "m.pt", tmp_path / "." / "m.pt")
    assert not same_file(tmp_path / "m.pt", tmp_path / "m-2.pt")


def test_modes_follow_the_umask_and_a_replaced_file_keeps_its_mode(tmp_path, project):
    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        save_project(fresh, tiny_project())
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o644
        assert main(["export", str(project), "-o", str(tmp_path / "s.py")]) == 0
        assert stat.S_IMODE((tmp_path / "s.py").stat().st_mode) == 0o644
        os.chmod(fresh, 0o640)
        save_project(fresh, tiny_project())
        assert stat.S_IMODE(fresh.stat().st_mode) == 0o640
        os.umask(0o077)
        other = tmp_path / "private.json"
        save_project(other, tiny_project())
        assert stat.S_IMODE(other.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_stale_temp_files_of_our_pattern_go_and_nothing_else(tmp_path):
    dead_pid = 2**22 + 12345  # above any pid_max default: no such process
    dead = tmp_path / f".p.json.{dead_pid}.abcd1234.tmp"
    live = tmp_path / f".p.json.{os.getppid()}.abcd1234.tmp"  # a running writer (our parent)
    legacy_old = tmp_path / ".m.pt.abcd1234.tmp"
    legacy_new = tmp_path / ".n.pt.abcd1234.tmp"
    foreign = tmp_path / ".someone-else.tmp"
    for path in (dead, live, legacy_old, legacy_new, foreign):
        path.write_bytes(b"partial")
    ancient = time.time() - 3600
    os.utime(legacy_old, (ancient, ancient))
    os.utime(foreign, (ancient, ancient))
    save_project(tmp_path / "p.json", tiny_project())
    assert not dead.exists() and not legacy_old.exists()
    assert live.exists() and legacy_new.exists() and foreign.exists()
    # an hour later even a live writer's untouched file counts as left over
    removed = atomic.remove_stale_temp_files(tmp_path, now=time.time() + 3600)
    assert sorted(removed) == sorted([live, legacy_new])
    assert foreign.exists() and (tmp_path / "p.json").exists()


@pytest.mark.parametrize("where", ["missing", "file-as-folder", "read-only"])
def test_output_folder_is_checked_before_training(project, where, capsys, monkeypatch):
    started = []
    monkeypatch.setattr(Trainer, "_prepare", lambda self: started.append(1))
    if where == "missing":
        out = project.parent / "no" / "m.pt"
    elif where == "file-as-folder":
        out = project / "m.pt"
    else:
        out = project.parent / "m.pt"

        def refuse(*args, **kwargs):
            raise OSError(30, "Read-only file system")

        monkeypatch.setattr("studio.core.io.outputs.tempfile.mkstemp", refuse)
    assert main(["train", str(project), "--out", str(out)]) == 2
    line = _one_error_line(capsys)
    assert "does not exist" in line or "Read-only file system" in line
    assert not started


def test_check_folder_writable_accepts_a_good_folder(tmp_path):
    check_folder_writable(tmp_path / "m.pt")
    assert list(tmp_path.iterdir()) == []  # the trial file is gone


def test_a_failed_final_save_lands_beside_the_project(project, capsys, monkeypatch, no_training):
    real = train_command.save_model
    out_dir = project.parent / "out"
    out_dir.mkdir()

    def flaky(path, model):
        if Path(path).parent == out_dir:
            raise FileFormatError("Could not write {path}: disk full.", path=str(path))
        real(path, model)

    monkeypatch.setattr(train_command, "save_model", flaky)
    assert main(["train", str(project), "--out", str(out_dir / "m.pt"), "--quiet"]) == 2
    line = _one_error_line(capsys)
    assert "disk full" in line and f"saved to {project.parent / 'm.pt'} instead" in line
    load_model(project.parent / "m.pt")


def test_the_state_folder_takes_the_model_when_nothing_else_can(
    project, capsys, monkeypatch, no_training, tmp_path
):
    real = train_command.save_model
    state = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(state))

    def flaky(path, model):
        if state not in Path(path).parents:
            raise FileFormatError("Could not write {path}: disk full.", path=str(path))
        real(path, model)

    monkeypatch.setattr(train_command, "save_model", flaky)
    assert main(["train", str(project), "--quiet"]) == 2
    line = _one_error_line(capsys)
    saved = tmp_path / "state" / "sequential-studio" / "models" / "p.pt"
    assert f"saved to {saved} instead" in line
    load_model(saved)
