"""Issue #15 (window): the two-stage switch, relayed from the worker thread, marked on the
loss plot and said in the status bar."""

from __future__ import annotations

from typing import ClassVar

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QPushButton

from studio.core.training import trainer as trainer_module
from studio.core.training.events import (
    BatchProgress,
    TrainingFinished,
    TrainingStarted,
    Unfrozen,
)
from studio.gui.plots.history import RunStore

SWITCH = Unfrozen(epoch=2, global_step=10, lr=0.0001, stages=0)


def batch(step: int, lr: float) -> BatchProgress:
    epoch = (step - 1) // 10 + 1
    return BatchProgress(epoch, step - (epoch - 1) * 10, 10, step, 1.0 / step, 100.0, lr, 0.1, 1.0)


class ScriptedTrainer:
    """Stands in for the core's Trainer: sends a two-stage run's events from the worker thread."""

    threads: ClassVar[list[QThread]] = []

    def __init__(self, project, num_threads=None) -> None:
        self._observers = []
        self.model = self.data = None
        self.history = []

    def add_observer(self, observer) -> None:
        self._observers.append(observer)

    def _send(self, event) -> None:
        for observer in self._observers:
            observer(event)

    def run(self) -> None:
        ScriptedTrainer.threads.append(QThread.currentThread())
        self._send(TrainingStarted(2, 1, 10, ["a", "b"], "cpu", "cross_entropy"))
        for step in range(1, 11):
            self._send(batch(step, 0.001))
        self._send(SWITCH)
        for step in range(11, 21):
            self._send(batch(step, 0.001))
        self._send(TrainingFinished("completed", 2, None, None, 1.0))

    def stop(self) -> None: ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def request_feature_maps(self, index) -> None: ...
    def result_file(self) -> None: ...


@pytest.fixture
def scripted(monkeypatch, window):
    ScriptedTrainer.threads = []
    monkeypatch.setattr(trainer_module, "Trainer", ScriptedTrainer)
    window.session.controller.own_process = False  # the stand-in lives in this process
    return ScriptedTrainer


def test_switch_is_relayed_on_the_gui_thread_marked_and_announced(window, qtbot, scripted):
    seen_on = []
    controller = window.session.controller
    controller.unfrozen.connect(lambda event: seen_on.append((event, QThread.currentThread())))
    with qtbot.waitSignal(controller.finished, timeout=20_000):
        qtbot.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    assert scripted.threads and scripted.threads[0] is not QApplication.instance().thread()
    assert seen_on == [(SWITCH, QApplication.instance().thread())]
    assert "frozen layers train from now on, at learning rate 0.0001" in (
        window.statusBar().currentMessage()
    )
    view = window.session.dashboard.loss_view
    qtbot.waitUntil(lambda: view.unfreeze_markers.labels == ["Frozen layers unfrozen · lr 0.0001"])
    (line,) = view.unfreeze_markers.lines
    assert line.value() == 10 and line.isVisible()


def test_markers_follow_the_run_shown_and_are_labelled_per_stage(qtbot):
    from studio.gui.plots.dashboard import TrainingDashboard

    dashboard = TrainingDashboard()
    qtbot.addWidget(dashboard)
    view = dashboard.loss_view
    dashboard.handle_event(TrainingStarted(3, 1, 10, ["a"], "cpu", "cross_entropy"))
    dashboard.handle_event(batch(5, 0.01))
    dashboard.handle_event(Unfrozen(epoch=2, global_step=10, lr=0.001, stages=2))
    view.redraw()
    assert view.unfreeze_markers.labels == ["Last 2 stages unfrozen · lr 0.001"]
    dashboard.handle_event(TrainingStarted(3, 1, 10, ["a"], "cpu", "cross_entropy"))  # a new run
    view.redraw()
    assert view.unfreeze_markers.labels == []


def test_store_keeps_one_switch_per_run_through_resumes():
    store = RunStore()
    store.start(TrainingStarted(3, 1, 10, ["a"], "cpu", "cross_entropy"))
    store.add_unfrozen(SWITCH)
    store.add_unfrozen(Unfrozen(epoch=3, global_step=20, lr=0.0001, stages=0))  # resumed past it
    assert store.current.unfrozen == [SWITCH]
    store.add_unfrozen(Unfrozen(epoch=2, global_step=10, lr=0.0002, stages=0))  # redone
    assert [(u.epoch, u.lr) for u in store.current.unfrozen] == [(2, 0.0002)]
