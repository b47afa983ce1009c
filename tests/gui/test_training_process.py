"""Issue #18: the window trains in a process of its own, so its views never wait on the
training loop's GIL, and closing or stopping ends that process."""

from __future__ import annotations

import multiprocessing
import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSpinBox

from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    TrainingFailed,
    TrainingFinished,
)
from studio.gui.main_window import MainWindow


def training_children() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "studio-training"]


def test_train_runs_in_a_child_process_and_the_views_and_model_file_follow(window, qtbot):
    window.findChild(QSpinBox, "epochsSpin").setValue(1)
    controller = window.session.controller
    children: list[int] = []
    events: list = []

    def observe(event) -> None:
        events.append(event)
        if isinstance(event, BatchProgress) and not children:
            children.extend(p.pid for p in training_children())

    controller.event.connect(observe)
    with qtbot.waitSignal(controller.finished, timeout=120_000):
        qtbot.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)

    assert children and os.getpid() not in children
    assert [e.epoch for e in events if isinstance(e, EpochEnded)] == [1]
    assert [e.reason for e in events if isinstance(e, TrainingFinished)] == ["completed"]
    model_file = window.session.model_file
    assert model_file is not None and model_file.metrics[0]["val_accuracy"] > 0.5
    assert window.session.trained is not None  # predictions follow the epoch's weights
    assert not training_children()


def test_stop_ends_the_child_and_keeps_the_weights_learned(window, qtbot):
    window.findChild(QSpinBox, "epochsSpin").setValue(200)
    controller = window.session.controller
    finished: list = []
    controller.event.connect(
        lambda e: finished.append(e) if isinstance(e, TrainingFinished) else None
    )
    with qtbot.waitSignal(
        controller.event, timeout=60_000, check_params_cb=lambda e: isinstance(e, EpochEnded)
    ):
        window.start_training()
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        qtbot.mouseClick(window.findChild(QPushButton, "stopButton"), Qt.MouseButton.LeftButton)
    assert [e.reason for e in finished] == ["stopped"]
    assert window.session.model_file is not None
    assert not training_children()


def test_closing_the_window_right_after_train_leaves_no_process_behind(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.document.undo_stack.setClean()
    qtbot.mouseClick(win.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    assert win.session.running
    win.close()  # the child may not exist yet, or be loading its data
    assert not win.session.running
    qtbot.waitUntil(lambda: not training_children(), timeout=10_000)


def test_a_training_process_that_dies_is_reported_in_one_sentence(window, qtbot):
    window.findChild(QSpinBox, "epochsSpin").setValue(200)
    controller = window.session.controller
    failed: list = []
    controller.event.connect(lambda e: failed.append(e) if isinstance(e, TrainingFailed) else None)
    with qtbot.waitSignal(
        controller.event, timeout=60_000, check_params_cb=lambda e: isinstance(e, BatchProgress)
    ):
        window.start_training()
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        for child in training_children():
            child.kill()  # as the system's out-of-memory killer would
    assert failed and "ended unexpectedly" in failed[0].message
    assert "Traceback" not in failed[0].message
    assert window.findChild(QPushButton, "trainButton").isEnabled()
