"""Texts that change while training never make the window lay itself out again.

A new text in a label whose parent has a layout posts a layout request that climbs to the
main window, which then re-lays out and repaints its whole central area: four times a
second per label, it was a third of the GUI thread's time during training (issue #18).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget


class LayoutRequests(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.count += 1
        return False


def show_dashboard(window, qtbot, width: int = 1280) -> None:
    """The window shown on its Training tab, once start-up's own layouts have settled."""
    window.resize(width, 800)
    window.show()
    tabs = window.findChild(QTabWidget, "mainTabs")
    tabs.setCurrentWidget(window.session.dashboard)
    qtbot.waitUntil(lambda: window.session._torch_ready, timeout=60_000)
    anywhere = LayoutRequests()
    QApplication.instance().installEventFilter(anywhere)
    seen = [-1]

    def quiet() -> bool:
        QApplication.processEvents()
        calm, seen[0] = anywhere.count == seen[0], anywhere.count
        return calm

    qtbot.waitUntil(quiet, timeout=10_000)
    QApplication.instance().removeEventFilter(anywhere)


def test_status_speed_and_progress_texts_do_not_relayout_the_window(window, qtbot):
    show_dashboard(window, qtbot)
    status = window.session.dashboard.status
    progress = window.findChild(QLabel, "trainingStatus")
    speed = window.findChild(QLabel, "speedLabel")
    assert status.isVisible() and progress.isVisible() and speed.isVisible()
    requests = LayoutRequests()
    window.installEventFilter(requests)

    for k in range(20):
        status.setText(f"Epoch {k} of 20 · validation accuracy {k * 3.1:.1f} %" + " ·" * k)
        progress.setText(f"Epoch {k} of 20, batch {k * 7} of 63, {k}:0{k % 10} left")
        speed.setText(f"{k * 12_345:,} samples/s")
        QApplication.processEvents()

    window.removeEventFilter(requests)
    assert requests.count == 0
    assert status.text().startswith("Epoch 19 of 20") and status.toolTip() == status.text()
    assert status.isVisible() and status.width() > 200  # the holder gives it the row's width


def test_a_steady_label_follows_its_holders_width(window, qtbot):
    show_dashboard(window, qtbot)
    status = window.session.dashboard.status
    before = status.width()

    window.resize(1500, 800)
    qtbot.waitUntil(lambda: status.width() > before, timeout=5_000)
    assert status.geometry() == status.holder.rect()
