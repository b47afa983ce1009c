"""The window's TensorBoard checkbox and File › Export as ONNX… (issue #17), driven with
real mouse clicks."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QCheckBox, QFileDialog, QPushButton, QSpinBox, QWidget

from studio.core.io.model_file import ModelFile


def click_menu_action(window, qtbot, name: str) -> None:
    """Open the File menu and click the action with object name ``name``, as a person does."""
    bar = window.menuBar()
    file_menu = bar.actions()[0]
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(file_menu).center())
    menu = file_menu.menu()
    qtbot.waitUntil(menu.isVisible)
    action = window.findChild(QAction, name)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def trained_model(window) -> ModelFile:
    torch.manual_seed(0)
    project = window.document.project.copy()
    weights = project.architecture.build().state_dict()
    return ModelFile(project, weights, [str(d) for d in range(10)], (0.13,), (0.31,))


def test_tensorboard_checkbox_logs_the_run_beside_the_project(window, qtbot, tmp_path: Path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    window.document.save(tmp_path / "digits.json")
    box = window.findChild(QCheckBox, "tensorboardCheck")
    assert box is not None and not box.isChecked()
    window.findChild(QSpinBox, "epochsSpin").setValue(1)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    assert window.document.project.training.tensorboard is True
    with qtbot.waitSignal(window.session.controller.finished, timeout=120_000):
        window.start_training()
    (run,) = (tmp_path / "runs").iterdir()
    events = EventAccumulator(str(run))
    events.Reload()
    assert {"loss/train", "accuracy/validation", "class_accuracy/3"} <= set(
        events.Tags()["scalars"]
    )
    window.document.undo_stack.undo()
    assert not box.isChecked()


def test_export_as_onnx_from_the_file_menu(window, qtbot, monkeypatch, tmp_path: Path):
    pytest.importorskip("onnxruntime")
    target = tmp_path / "net.onnx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.session.set_model_file(trained_model(window))
    shown: list[str] = []
    window.files.statusShown.connect(lambda text, ms: shown.append(text))
    click_menu_action(window, qtbot, "exportOnnxAction")
    qtbot.waitUntil(lambda: bool(shown), timeout=60_000)
    assert target.stat().st_size > 1000
    assert "onnxruntime gives the same outputs as PyTorch" in shown[-1]


def test_onnx_export_without_the_packages_says_how_to_install(
    window, qtbot, monkeypatch, message_boxes, tmp_path: Path
):
    target = tmp_path / "net.onnx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    window.session.set_model_file(trained_model(window))
    click_menu_action(window, qtbot, "exportOnnxAction")
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=10_000)
    assert "pip install" in message_boxes[-1][1] and "onnxruntime" in message_boxes[-1][1]
    assert not target.exists()


def test_processes_are_offered_only_with_two_gpus_or_more(window, qtbot):
    qtbot.waitUntil(lambda: window.session._torch_ready, timeout=60_000)
    panel = window.training_panel
    spin = window.findChild(QSpinBox, "processesSpin")
    assert not spin.isVisible() and panel.processes() == 1  # this machine: no GPU
    for gpus, shown in ((0, False), (1, False), (2, True), (4, True)):
        panel.set_gpu_count(gpus)
        assert spin.isVisible() is shown
        assert panel.processes() == (gpus if shown else 1)  # one process per GPU by default
    qtbot.mouseClick(spin, Qt.MouseButton.LeftButton)
    spin.selectAll()
    qtbot.keyClicks(spin, "3")
    assert panel.processes() == 3


@pytest.mark.slow
def test_training_on_two_processes_from_the_window(window, qtbot):
    """On the CPU, two gloo processes stand in for two GPUs."""
    qtbot.waitUntil(lambda: window.session._torch_ready, timeout=60_000)
    window.training_panel.set_gpu_count(2)
    window.findChild(QSpinBox, "epochsSpin").setValue(1)
    with qtbot.waitSignal(window.session.controller.finished, timeout=180_000):
        qtbot.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    model = window.session.model_file
    assert model is not None and [m["epoch"] for m in model.metrics] == [1]
    assert model.metrics[0]["val_accuracy"] > 0.5
    assert "Finished" in window.findChild(QWidget, "trainingStatus").text()
