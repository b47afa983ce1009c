"""The window's code import: a trusted file runs in a child process, Cancel kills it.

An endless loop shows the busy dialog and Cancel ends it; ``sys.exit(7)`` is a
message; either way the window stays open and its network is untouched.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QPushButton

from studio.core.codegen import sandbox
from studio.gui import import_task
from studio.gui.main_window import MainWindow

pytestmark = pytest.mark.reliability

HEADER = """
import sys
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)
"""
LOOP = (
    HEADER
    + """
    def forward(self, x):
        while True:
            pass
"""
)
EXIT = (
    HEADER
    + """
    def forward(self, x):
        sys.exit(7)
"""
)
GOOD = (
    HEADER
    + """
    def forward(self, x):
        return self.fc(x)
"""
)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Message boxes recorded, not shown; 'Run this file?' is answered Yes."""
    messages: list[tuple[str, str]] = []

    def record(kind: str, answer: QMessageBox.StandardButton):
        def show(parent, title, text, *args, **kwargs):
            messages.append((kind, text))
            return answer

        return show

    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Yes))
    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.StandardButton.Ok))
    return messages


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[sandbox.TrustedImport]:
    """Every child process the window starts, to check it is gone afterwards."""
    started: list[sandbox.TrustedImport] = []

    class Recorded(sandbox.TrustedImport):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            started.append(self)

    monkeypatch.setattr(import_task, "TrustedImport", Recorded)
    return started


@pytest.fixture
def window(qtbot, shown):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.document.undo_stack.setClean()
    win.session.shutdown()


def progress(window: MainWindow) -> QProgressDialog | None:
    return window.findChild(QProgressDialog, "importProgress")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_cancel_kills_an_endless_loop_and_changes_nothing(window, qtbot, shown, children):
    before = window.document.project.to_dict()
    undo_steps = window.document.undo_stack.count()
    seen: dict[str, bool] = {}

    def cancel_once_running() -> None:
        # polled from the import's own event loop: a nested wait here would stall the loop
        # that notices the child has started (QProgressDialog.setValue processes events)
        dialog = progress(window)
        running = bool(children) and children[0].code_running
        if not (running and dialog is not None and dialog.isVisible()):
            return
        checker.stop()
        seen["dialog"] = True
        QTest.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)

    checker = QTimer()
    checker.setInterval(20)
    checker.timeout.connect(cancel_once_running)
    checker.start()
    window.import_source(LOOP, "loop.py", trust_allowed=True)
    checker.stop()

    assert seen.get("dialog"), "the busy dialog was not shown while the code ran"
    assert window.isVisible()
    assert window.document.project.to_dict() == before
    assert window.document.undo_stack.count() == undo_steps
    assert [kind for kind, _ in shown] == ["question"]  # only "Run this file?"
    qtbot.waitUntil(lambda: not alive(children[0].pid), timeout=10_000)


def test_sys_exit_in_the_file_is_a_message_and_the_window_stays(window, qtbot, shown, children):
    before = window.document.project.to_dict()

    window.import_source(EXIT, "exits.py", trust_allowed=True)

    warnings = [text for kind, text in shown if kind == "warning"]
    assert len(warnings) == 1 and "sys.exit(7)" in warnings[0]
    assert window.isVisible()
    assert window.document.project.to_dict() == before
    assert not alive(children[0].pid)


def test_a_trusted_file_still_imports_through_the_dialog(window, shown, children):
    window.import_source(GOOD, "good.py", trust_allowed=True)

    assert [kind for kind, _ in shown] == ["question"]
    blocks = [block.type for block in window.document.project.architecture]
    assert blocks == ["Linear"]
    assert window.document.project.architecture.input_shape == (4,)


def test_pasted_code_is_read_off_the_gui_thread_and_imported(window, shown, monkeypatch):
    threads: list[str] = []
    real = import_task._PlainImport._run

    def run(self, *args) -> None:
        import threading

        threads.append(threading.current_thread().name)
        real(self, *args)

    monkeypatch.setattr(import_task._PlainImport, "_run", run)
    pasted = "import torch.nn as nn\nmodel = nn.Sequential(nn.Linear(4, 3), nn.ReLU())\n"

    window.import_source(pasted, "<pasted code>", trust_allowed=False)

    assert threads == ["import"]
    assert [block.type for block in window.document.project.architecture] == ["Linear", "ReLU"]
    assert shown == []
