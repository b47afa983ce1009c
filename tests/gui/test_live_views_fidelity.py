"""Issue #18: the live loss view shows one point per training step, at any speed, through
the real window, worker thread and trainer; the plots keep pyqtgraph's thinning on."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QSpinBox, QWidget

from studio.gui.plots.history import events_from_model_file


def _train(window, qtbot, epochs: int) -> None:
    window.findChild(QSpinBox, "epochsSpin").setValue(epochs)
    with qtbot.waitSignal(window.session.controller.finished, timeout=180_000):
        qtbot.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)


def test_a_short_run_plots_one_loss_and_lr_point_per_training_step(window, qtbot):
    _train(window, qtbot, epochs=2)
    dashboard = window.session.dashboard
    dashboard.flush()
    run = dashboard.store.current
    assert run is not None and run.finished is not None and run.finished.reason == "completed"
    total = 2 * run.steps_per_epoch
    assert run.steps_per_epoch > 1
    view = dashboard.loss_view
    for curve in (view.raw_curve, view.smooth_curve, view.lr_curve):
        x, y = curve.getOriginalDataset()
        assert x is not None and len(x) == total  # not one point per time-based report
        np.testing.assert_array_equal(x, np.arange(1, total + 1))
        assert np.isfinite(y).all()
    # The saved model file keeps the same per-step curve, and replays it step by step.
    curve = window.session.model_file.loss_curve
    assert [int(p[0]) for p in curve] == list(range(1, total + 1))
    replayed = [e for e in events_from_model_file(window.session.model_file) if hasattr(e, "lr")]
    steps = sum(len(e.per_step()[0]) for e in replayed if hasattr(e, "step_losses"))
    assert steps == total


def test_every_curve_of_the_live_views_thins_itself_for_display(window):
    dashboard = window.session.dashboard
    curves = [
        item
        for view in (dashboard.loss_view, dashboard.accuracy_view, dashboard.class_view)
        for item in view.findChildren(pg.GraphicsLayoutWidget)
        for item in item.scene().items()
        if isinstance(item, pg.PlotDataItem) and item.name() is not None
    ]
    assert len(curves) >= 4
    for curve in curves:
        assert curve.opts["autoDownsample"] and curve.opts["downsampleMethod"] == "peak"
        assert curve.opts["clipToView"]


class _PaintCounter(QObject):
    """Counts the paint events of the widgets it watches (and nothing else)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_only_the_shown_tab_redraws_and_repaints_while_training(window, qtbot):
    dashboard = window.session.dashboard
    counters: dict[str, _PaintCounter] = {}
    for view in dashboard.views:
        counter = counters[view.objectName()] = _PaintCounter()
        for widget in [view, *view.findChildren(QWidget)]:
            widget.installEventFilter(counter)
    redraws = {view.objectName(): view.redraw_count for view in dashboard.views}
    _train(window, qtbot, epochs=1)
    assert dashboard.tabs.currentWidget() is dashboard.loss_view
    qtbot.waitUntil(lambda: counters["lossPlot"].count > 0)
    assert dashboard.loss_view.redraw_count > redraws["lossPlot"]
    for view in dashboard.views:
        if view is not dashboard.loss_view:
            assert counters[view.objectName()].count == 0, view.objectName()
            assert view.redraw_count == redraws[view.objectName()], view.objectName()
            assert view.dirty  # it catches up when shown


def test_a_window_in_the_background_redraws_its_views_less_often(window, monkeypatch):
    from studio.gui.plots import view_base

    view = window.session.dashboard.loss_view
    assert view._wait() < view_base.INACTIVE_INTERVAL
    monkeypatch.setattr(view, "isActiveWindow", lambda: False)
    assert view._wait() >= view_base.INACTIVE_INTERVAL


def test_the_loss_plot_spans_the_planned_run_from_its_first_report(qtbot):
    from studio.core.training.events import BatchProgress, TrainingStarted
    from studio.gui.plots.dashboard import TrainingDashboard

    dashboard = TrainingDashboard()
    qtbot.addWidget(dashboard)
    dashboard.handle_event(TrainingStarted(10, 1, 100, ["a", "b"], "cpu", "ce"))
    losses = np.linspace(2.0, 1.0, 25)
    dashboard.handle_event(
        BatchProgress(1, 25, 100, 25, 1.5, 1.0, 0.1, 1.0, 1.0, losses, np.full(25, 0.1), 1)
    )
    dashboard.flush()
    plot = dashboard.loss_view.loss_plot
    low, high = plot.viewRange()[0]
    assert low <= 0 and 1000 <= high < 1100  # all 10 epochs, not just the 25 steps so far
    x, _ = dashboard.loss_view.raw_curve.getOriginalDataset()
    assert len(x) == 25


def test_a_redraw_of_a_growing_loss_curve_paints_the_plot_once(qtbot):
    from studio.core.training.events import BatchProgress, TrainingStarted
    from studio.gui.plots.dashboard import TrainingDashboard

    dashboard = TrainingDashboard()
    qtbot.addWidget(dashboard)
    dashboard.resize(900, 600)
    dashboard.show()
    qtbot.waitExposed(dashboard)
    view = dashboard.loss_view
    dashboard.handle_event(TrainingStarted(10, 1, 100, ["a", "b"], "cpu", "ce"))
    counter = _PaintCounter()
    view.graphics.viewport().installEventFilter(counter)
    paints = []
    for report in range(1, 5):  # each report grows the curve and moves its y range
        first = 25 * (report - 1) + 1
        losses = np.linspace(3.0 / report, 2.0 / report, 25)
        dashboard.handle_event(
            BatchProgress(
                1,
                25 * report,
                100,
                25 * report,
                1.0,
                1.0,
                0.1,
                1.0,
                1.0,
                losses,
                np.full(25, 0.1),
                first,
            )
        )
        counter.count = 0
        assert view.refresh_if_dirty(force=True)
        qtbot.waitUntil(lambda: counter.count > 0)
        for _ in range(5):  # deliver anything the paint queued (a second paint would be)
            QApplication.sendPostedEvents()
            QApplication.processEvents()
        paints.append(counter.count)
    assert paints == [1, 1, 1, 1]
