"""The builder window driven through its object names, as a person would use it."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from multiprocessing import active_children
from pathlib import Path

from PySide6.QtCore import QByteArray, QMimeData, Qt, QTimer
from PySide6.QtWidgets import (
    QLabel,
    QListView,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTreeWidget,
)

from studio.core.io.project_file import load_project
from studio.gui import MainWindow
from studio.gui.models.architecture_model import BLOCK_MIME, LAYER_MIME

ROOT = Path(__file__).resolve().parents[2]


def stack(win) -> QListView:
    return win.findChild(QListView, "layerStack")


def summary_text(win) -> str:
    return win.findChild(QLabel, "shapeSummary").text()


def types(win) -> list[str]:
    return [b.type for b in win.document.architecture]


def double_click_block(qtbot, palette: QTreeWidget, block: str) -> None:
    """A person's double-click: a click, then a double-click, on the item's row."""
    item = palette.item_for(block)
    palette.scrollToItem(item)
    point = palette.visualItemRect(item).center()
    qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseDClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_default_project_is_shown(window):
    assert stack(window).model().rowCount() == 12
    assert "61,706" in summary_text(window)
    names = ["blockPalette", "propertyEditor", "codeView", "datasetCombo", "optimizerCombo"]
    names += ["deviceCombo", "learningRateSpin", "trainButton", "pauseButton", "stopButton"]
    for name in names:
        assert window.findChild(object, name) is not None, name
    assert isinstance(window.findChild(QSpinBox, "epochsSpin"), QSpinBox)
    assert isinstance(window.findChild(QSpinBox, "batchSizeSpin"), QSpinBox)
    assert isinstance(window.findChild(QProgressBar, "trainingProgress"), QProgressBar)
    assert "nn.Conv2d(1, 6, kernel_size=5, padding=2)" in window.code_panel.code()


def test_build_a_network_from_the_palette_and_edit_it(window, qtbot):
    window.new_blank()
    assert stack(window).model().rowCount() == 0
    palette = window.findChild(QTreeWidget, "blockPalette")
    for block in ("Flatten", "Linear"):
        double_click_block(qtbot, palette, block)
    assert types(window) == ["Flatten", "Linear"]
    assert "7,850" in summary_text(window)  # 784*10 + 10
    stack(window).setCurrentIndex(stack(window).model().index(1))
    spin = window.findChild(QSpinBox, "param_out_features")
    spin.setValue(32)
    assert window.document.architecture[1].params["out_features"] == 32
    assert "25,120" in summary_text(window)
    window.document.undo_stack.undo()
    assert window.document.architecture[1].params["out_features"] == 10
    assert spin.value() == 10  # the editor follows the model
    window.document.undo_stack.redo()
    assert spin.value() == 32


def test_shape_error_appears_with_a_fix_that_applies(window, qtbot):
    view = stack(window)
    view.setCurrentIndex(view.model().index(6))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "Flatten" not in types(window)
    problem = window.findChild(QLabel, "problemSummary").text()
    assert "Insert a Flatten" in window.findChild(QPushButton, "summaryFixButton").text()
    assert "Linear needs a flat vector" in problem
    assert window.document.model.report.errors[0].index == 6
    qtbot.mouseClick(window.findChild(QPushButton, "summaryFixButton"), Qt.MouseButton.LeftButton)
    assert types(window)[6] == "Flatten"
    assert window.document.model.report.ok
    assert "61,706" in summary_text(window)
    window.document.undo_stack.undo()  # the fix is one undo step
    assert "Flatten" not in types(window)


def test_drop_from_palette_inserts_between_layers_and_drag_moves(window):
    model = window.document.model
    mime = QMimeData()
    mime.setData(BLOCK_MIME, QByteArray(b"Dropout"))
    model.dropMimeData(mime, Qt.DropAction.CopyAction, 8, 0, model.index(-1))
    assert types(window)[8] == "Dropout"
    move = QMimeData()
    move.setData(LAYER_MIME, QByteArray(b"8"))
    model.dropMimeData(move, Qt.DropAction.MoveAction, 10, 0, model.index(-1))
    assert types(window)[9] == "Dropout"
    assert stack(window).model().rowCount() == 13


def test_title_marks_changes_and_save_reopen(window, tmp_path: Path):
    path = tmp_path / "net.json"
    window.document.insert_block(12, "Softmax")
    assert window.isWindowModified()
    window.save_project(path)
    assert not window.isWindowModified()
    assert "net.json" in window.windowTitle()
    assert load_project(path).architecture.blocks[-1].type == "Softmax"
    window.new_from_template("mlp-fashion")
    assert stack(window).model().rowCount() == 4
    window.open_project(path)
    assert stack(window).model().rowCount() == 13
    assert window.findChild(QSpinBox, "epochsSpin").value() == 10


def test_settings_are_bound_both_ways_and_undoable(window):
    epochs = window.findChild(QSpinBox, "epochsSpin")
    epochs.setValue(3)
    assert window.document.project.training.epochs == 3
    window.document.undo_stack.undo()
    assert epochs.value() == 10


def test_train_one_epoch_on_the_worker_thread_keeps_the_window_responsive(window, qtbot):
    window.findChild(QSpinBox, "epochsSpin").setValue(1)
    train = window.findChild(QPushButton, "trainButton")
    progress = window.findChild(QProgressBar, "trainingProgress")
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    with qtbot.waitSignal(window.session.runningChanged, timeout=10_000):
        qtbot.mouseClick(train, Qt.MouseButton.LeftButton)
    assert not train.isEnabled()
    assert window.document.locked
    with qtbot.waitSignal(window.session.controller.finished, timeout=120_000):
        pass
    timer.stop()
    assert train.isEnabled()
    assert progress.value() == progress.maximum() > 0
    assert window.session.model_file is not None
    assert window.session.model_file.metrics[0]["val_accuracy"] > 0.5
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(ticks) > 20
    assert max(gaps) < 0.5, f"the event loop stalled for {max(gaps):.3f} s"


def test_closing_during_training_stops_the_run(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.findChild(QSpinBox, "epochsSpin").setValue(50)
    win.document.undo_stack.setClean()
    from studio.core.training.events import BatchProgress

    with qtbot.waitSignal(
        win.session.controller.event,
        timeout=60_000,
        check_params_cb=lambda e: isinstance(e, BatchProgress),
    ):
        win.start_training()
    assert win.session.running
    win.close()
    assert not win.session.running
    # the run's own process ends too (closing kills one that does not stop in time)
    qtbot.waitUntil(lambda: not any(p.name == "studio-training" for p in active_children()))


def test_invalid_network_does_not_start_training(window, monkeypatch):
    messages: list[str] = []
    monkeypatch.setattr(window, "show_message", messages.append)
    window.session.messageRaised.disconnect()
    window.session.messageRaised.connect(messages.append)
    window.document.remove_block(6)
    window.start_training()
    assert not window.session.running
    assert messages and "Flatten" in messages[0]


def test_screenshot_option_renders_the_window(tmp_path: Path):
    out = tmp_path / "shot.png"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--screenshot", str(out)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
