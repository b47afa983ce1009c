"""File > Export Python script leaves a folder that runs anywhere: the script and its data."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from studio.core.codegen.training_script import export_script
from studio.core.data import bundled_sample_path


def test_export_shortcut_writes_the_script_with_the_sample_beside_it(
    window, qtbot, monkeypatch, tmp_path: Path
) -> None:
    target = tmp_path / "export" / "train.py"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(target.exists)
    assert target.read_text(encoding="utf-8") == export_script(window.document.project)
    copy = target.parent / "data" / "mnist_5k.npz"
    assert copy.read_bytes() == bundled_sample_path().read_bytes()
