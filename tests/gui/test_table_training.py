"""The window trains a CSV regression and every view survives its epochs (#16).

The real regression views (MAE/R² curves, the scatter) are the window's own work;
this pins that the core's regression events (NaN accuracies, a 0×0 confusion matrix,
float predictions) never crash the views there are.
"""

from __future__ import annotations

import math
import sys

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QSpinBox

from studio.gui.main_window import MainWindow
from tests.gui.test_model_files import click_tab


def test_a_table_regression_trains_and_every_view_shows(qtbot, monkeypatch) -> None:
    errors: list = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: errors.append(info))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.new_from_template("table-regression")
    window.findChild(QSpinBox, "epochsSpin").setValue(2)
    with qtbot.waitSignal(window.session.controller.finished, timeout=120_000):
        QTest.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    metrics = window.session.model_file.metrics
    assert [m["epoch"] for m in metrics] == [1, 2]
    assert math.isnan(metrics[-1]["val_accuracy"]) and metrics[-1]["val_mae"] > 0
    tabs = window.session.dashboard.tabs
    for index in range(tabs.count()):
        if not tabs.isTabVisible(index):  # a regression hides the accuracy and image views
            continue
        click_tab(tabs, tabs.tabBar().tabText(index).replace("&", ""))
        qtbot.waitUntil(
            lambda i=index: tabs.currentWidget().isVisible() and tabs.currentIndex() == i
        )
    assert window.session.dashboard.confusion_view.counts is None  # no classes, no matrix
    assert not errors, errors
