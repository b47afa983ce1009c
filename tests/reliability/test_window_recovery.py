"""Crash recovery: one copy per window with a lock, offered however the window starts.

A real window process is killed with SIGKILL after its autosave; the next window finds
the orphaned copy through the stale lock and offers it, whether it starts empty, on a
project path or through Open Recent. Live windows never see or delete each other's copy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from studio.core.io.project_file import save_project
from studio.core.templates import default_project
from studio.gui import recovery
from studio.gui.main_window import MainWindow

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
EDITED_EPOCHS = 7

CRASHING_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from studio.gui.main_window import MainWindow

app = QApplication(sys.argv[:1])
window = MainWindow()
window.open_project(sys.argv[1])
window.show()
window.document.set_setting("training", "epochs", int(sys.argv[2]))

def report_when_saved():
    path = window.recovery.path
    if path is not None and path.exists():
        print(path, flush=True)  # the test kills this process once it reads this line
    else:
        QTimer.singleShot(50, report_when_saved)

report_when_saved()
app.exec()
"""


@pytest.fixture
def state_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    monkeypatch.setattr(recovery, "_declined_this_session", set())
    return folder / "sequential-studio"


class Answers(list):
    """The texts of the questions asked; ``queue`` holds the buttons to answer with."""

    def __init__(self) -> None:
        super().__init__()
        self.queue: list[QMessageBox.StandardButton] = []


@pytest.fixture
def answers(monkeypatch) -> Answers:
    """Answer each question with the next queued button (Cancel when none is queued)."""
    asked = Answers()

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return asked.queue.pop(0) if asked.queue else QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@pytest.fixture
def project_file(tmp_path) -> Path:
    path = tmp_path / "work.json"
    save_project(path, default_project())
    return path


def new_window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    return window


def close_cleanly(window: MainWindow) -> None:
    window.document.undo_stack.setClean()
    window.close()


def crash_a_window(qtbot, state_dir: Path, project: Path, while_alive=None) -> Path:
    """Run a window in a child process, edit, wait for its autosave, then SIGKILL it.

    ``while_alive(copy)`` runs after the autosave, before the kill.
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen(
        [sys.executable, "-c", CRASHING_WINDOW, str(project), str(EDITED_EPOCHS)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = child.stdout.readline().strip()  # blocks until the autosave exists
        assert line, child.stderr.read()
        copy = Path(line)
        assert copy.parent == state_dir and copy.is_file()
        assert Path(f"{copy}.lock").is_file()
        if while_alive is not None:
            while_alive(copy)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return copy


def test_a_killed_window_is_recovered_when_its_project_is_opened(
    qtbot, state_dir, answers, project_file
):
    def another_program_starts_and_closes(copy: Path) -> None:
        window = new_window(qtbot)
        assert not window.offer_recovery(), "a live program's copy is not offered"
        window.open_project(project_file)
        window.document.set_setting("training", "epochs", 2)
        window.recovery.write_now()
        assert window.recovery.path != copy
        close_cleanly(window)
        assert copy.exists() and answers == []

    copy = crash_a_window(qtbot, state_dir, project_file, another_program_starts_and_closes)
    assert Path(f"{copy}.lock").exists(), "the killed window leaves a stale lock"

    answers.queue.append(QMessageBox.StandardButton.Yes)
    window = new_window(qtbot)
    window.open_project(project_file)  # as `main.py work.json` and File > Open do

    assert len(answers) == 1 and "work.json" in answers[0]
    assert window.document.project.training.epochs == EDITED_EPOCHS
    assert window.document.path == project_file
    assert not window.document.undo_stack.isClean(), "restored work is unsaved work"
    assert not copy.exists() and not Path(f"{copy}.lock").exists()
    own = window.recovery.path
    assert own is not None and own.exists() and own != copy, "the restored work has a copy"
    close_cleanly(window)
    assert not own.exists()
    assert list(state_dir.glob("recovery-*")) == []


def test_a_killed_window_is_offered_through_open_recent_and_can_be_declined(
    qtbot, state_dir, answers, project_file
):
    window = new_window(qtbot)
    window._add_recent(project_file)
    copy = crash_a_window(qtbot, state_dir, project_file)

    answers.queue.append(QMessageBox.StandardButton.No)
    recent = [a for a in window.recent_menu.actions() if a.toolTip() == str(project_file)]
    recent[0].trigger()

    assert len(answers) == 1
    assert window.document.project.training.epochs != EDITED_EPOCHS
    assert not copy.exists(), "declining deletes the copy"
    window.offer_recovery()
    assert len(answers) == 1, "a declined copy is not offered again"
    close_cleanly(window)


def test_a_kept_copy_waits_for_the_next_start(qtbot, state_dir, answers, project_file):
    copy = crash_a_window(qtbot, state_dir, project_file)
    first = new_window(qtbot)
    first.offer_recovery()  # as main.py without a project; Cancel keeps the copy
    assert len(answers) == 1 and copy.exists()
    first.offer_recovery()
    assert len(answers) == 1, "not asked twice in one session"
    close_cleanly(first)
    assert copy.exists(), "closing a window never deletes a crashed session's copy"

    recovery._declined_this_session.clear()  # the next start of the program
    answers.queue.append(QMessageBox.StandardButton.Yes)
    second = new_window(qtbot)
    assert second.offer_recovery()
    assert second.document.project.training.epochs == EDITED_EPOCHS
    assert not copy.exists()
    close_cleanly(second)


def test_live_windows_never_touch_each_others_copy(qtbot, state_dir, answers):
    first, second = new_window(qtbot), new_window(qtbot)
    first.document.set_setting("training", "epochs", 3)
    second.document.set_setting("training", "epochs", 4)
    first.recovery.write_now()
    second.recovery.write_now()
    mine, theirs = first.recovery.path, second.recovery.path
    assert mine != theirs and mine.exists() and theirs.exists()

    old = 10**9  # locks older than QLockFile's default 30 s stale time stay valid
    os.utime(f"{mine}.lock", (old, old))
    third = new_window(qtbot)
    assert not third.offer_recovery() and answers == [], "a live window's copy is no orphan"

    close_cleanly(second)
    assert not theirs.exists() and mine.exists()
    assert '"epochs": 3' in mine.read_text("utf-8")
    close_cleanly(first)
    close_cleanly(third)
    assert list(state_dir.glob("recovery-*")) == []


def test_undo_to_the_saved_state_deletes_only_the_own_copy(qtbot, state_dir, answers):
    window = new_window(qtbot)
    window.document.set_setting("training", "epochs", 5)
    qtbot.waitUntil(lambda: window.recovery.path is not None and window.recovery.path.exists())
    copy = window.recovery.path
    window.document.undo_stack.undo()
    assert not copy.exists()
    close_cleanly(window)


def test_unreadable_and_legacy_copies(qtbot, state_dir, answers, project_file):
    state_dir.mkdir(parents=True)
    broken = state_dir / "recovery-1-1.json"
    broken.write_text("{not json", "utf-8")
    window = new_window(qtbot)
    window.open_project(project_file)
    legacy = state_dir / "recovery.json"
    legacy_copy = {"original_path": None, "project": json.loads(project_file.read_text("utf-8"))}
    legacy.write_text(json.dumps(legacy_copy), "utf-8")
    answers.queue.append(QMessageBox.StandardButton.Yes)
    assert window.offer_recovery()
    assert len(answers) == 1
    assert not broken.exists() and not legacy.exists()
    close_cleanly(window)


def test_the_autosave_goes_through_the_atomic_writer(qtbot, state_dir, answers, monkeypatch):
    written: list[Path] = []
    real_write = recovery.write_atomic

    def recorded(path, write, *args, **kwargs):
        written.append(Path(path))
        return real_write(path, write, *args, **kwargs)

    monkeypatch.setattr(recovery, "write_atomic", recorded)
    window = new_window(qtbot)
    window.document.set_setting("training", "epochs", 9)
    qtbot.waitUntil(lambda: written != [])
    assert written == [window.recovery.path] and window.recovery.path.exists()
    close_cleanly(window)
