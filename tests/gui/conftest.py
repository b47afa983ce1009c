"""GUI test set-up: no modal dialog may ever block a test run; a shown main window."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from studio.gui.main_window import MainWindow


@pytest.fixture(autouse=True)
def message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Record every message box instead of showing it; questions are answered 'Discard'/'No'."""
    shown: list[tuple[str, str]] = []

    def record(kind: str, answer: QMessageBox.StandardButton):
        def show(parent, title, text, *args, **kwargs):
            shown.append((kind, text))
            return answer

        return show

    monkeypatch.setattr(
        QMessageBox, "question", record("question", QMessageBox.StandardButton.Discard)
    )
    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", record("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(
        QMessageBox, "information", record("information", QMessageBox.StandardButton.Ok)
    )
    return shown


@pytest.fixture
def window(qtbot):
    """A shown main window on the default project, closed without questions afterwards."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    yield win
    win.document.undo_stack.setClean()
    win.session.shutdown()
