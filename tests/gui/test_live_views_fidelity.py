"""Issue #18: the live loss view shows one point per training step, at any speed, through
the real window, worker thread and trainer; the plots keep pyqtgraph's thinning on."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSpinBox

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
        for view in dashboard.views
        for item in view.findChildren(pg.GraphicsLayoutWidget)
        for item in item.scene().items()
        if isinstance(item, pg.PlotDataItem)
    ]
    assert len(curves) >= 4
    for curve in curves:
        assert curve.opts["autoDownsample"] and curve.opts["downsampleMethod"] == "peak"
        assert curve.opts["clipToView"]
