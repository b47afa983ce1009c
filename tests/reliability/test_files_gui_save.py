"""The window's save dialogs never replace a file without asking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from studio.gui.main_window import MainWindow

pytestmark = pytest.mark.reliability


def test_save_as_asks_before_replacing_the_file_it_appended_json_to(qtbot, tmp_path, monkeypatch):
    existing = tmp_path / "mine.json"
    existing.write_text('{"precious": true}')
    asked: list[str] = []

    def answer_no(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer_no)
    # the user typed "mine"; Qt confirmed that name, which does not exist
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "mine"), "")
    )
    window = MainWindow()
    qtbot.addWidget(window)
    try:
        assert window.save_as() is False
        assert asked and "mine.json already exists" in asked[-1]
        assert json.loads(existing.read_text()) == {"precious": True}
        monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
        assert window.save_as() is True
        assert json.loads(existing.read_text())["format"] == "sequential-studio-project"
    finally:
        window.document.undo_stack.setClean()
        window.session.shutdown()


def test_no_save_dialog_turns_off_qt_overwrite_confirmation():
    root = Path(__file__).resolve().parents[2] / "studio" / "gui"
    sources = "\n".join(p.read_text("utf-8") for p in root.rglob("*.py"))
    assert "getSaveFileName" in sources
    assert "DontConfirmOverwrite" not in sources
