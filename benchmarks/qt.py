"""The one QApplication the GUI cases share, offscreen unless a display was asked for."""

from __future__ import annotations

import os
import sys


def application():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    qInstallMessageHandler(_quiet_offscreen)
    return QApplication.instance() or QApplication(sys.argv[:1])


def _quiet_offscreen(kind, context, message: str) -> None:
    """Drop the offscreen plugin's notes about window features it lacks; pass on the rest."""
    if "This plugin does not support" not in message:
        print(message, file=sys.stderr)


def next_visible_tab(tabs) -> int:
    """The index of the next tab a person can click: a regression run's views are hidden
    tabs during a classification run (and the other way round), never shown there."""
    count = tabs.count()
    for offset in range(1, count + 1):
        index = (tabs.currentIndex() + offset) % count
        if tabs.isTabVisible(index):
            return index
    return tabs.currentIndex()


def cycle_tabs(tabs, interval_ms: int):
    """A started timer that shows the next visible tab every ``interval_ms``: every view a
    person can open gets painted."""
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: tabs.setCurrentIndex(next_visible_tab(tabs)))
    timer.start()
    return timer
