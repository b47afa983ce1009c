"""Training and validation accuracy per epoch, in percent, with the best epoch marked."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from studio.gui.plots import style
from studio.gui.plots.history import Run
from studio.gui.plots.state import DashboardState
from studio.gui.plots.view_base import DashboardView


class AccuracyView(DashboardView):
    def __init__(self, state: DashboardState, parent: QWidget | None = None) -> None:
        super().__init__(state, "accuracyPlot", parent)
        self.graphics = style.new_graphics()
        self.graphics.setAccessibleName(self.tr("Accuracy plot"))
        self.plot: pg.PlotItem = self.graphics.addPlot(
            axisItems={"bottom": style.IntegerAxis("bottom")}
        )
        style.style_plot(self.plot, self.tr("Accuracy"), self.tr("Accuracy"), self.tr("Epoch"))
        self.plot.setLabel("left", self.tr("Accuracy (%)"), color=style.FOREGROUND)
        self.plot.getAxis("left").setWidth(62)
        self.plot.setLimits(yMin=-2, yMax=102)
        self.legend = style.add_legend(self.plot, offset=(-10, -40))
        self.train_curve = style.add_curve(
            self.plot, style.TRAIN, self.tr("Training accuracy"), 2.0, symbol="o"
        )
        self.val_curve = style.add_curve(
            self.plot, style.VAL, self.tr("Validation accuracy"), 2.0, symbol="o"
        )
        self.best_marker = pg.ScatterPlotItem(
            size=18, symbol="star", brush=pg.mkBrush(style.BEST), pen=pg.mkPen(style.BACKGROUND)
        )
        self.plot.addItem(self.best_marker)
        self.legend.addItem(self.best_marker, self.tr("Best epoch"))
        self.best_label = pg.TextItem(color=style.BEST, anchor=(0.5, 1.6))
        self.plot.addItem(self.best_label)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.graphics)
        self.overlays: dict[int, tuple[pg.PlotDataItem, int]] = {}

    def export_scene(self):
        return self.graphics.scene()

    def redraw(self) -> None:
        runs = self.state.store.runs
        current = runs[-1] if runs else None
        for run in runs[:-1]:
            # no accuracy to draw for a regression run (NaN only); a hidden run's curve is
            # made when it is first shown
            if not run.is_regression and run.number not in self.state.hidden_runs:
                self._draw_overlay(run)
        for number, (curve, _version) in self.overlays.items():
            is_current = current is not None and number == current.number
            shown = not is_current and number not in self.state.hidden_runs
            style.set_curve_shown(self.plot, curve, shown)
        show = current is not None and current.number not in self.state.hidden_runs
        for item in (self.train_curve, self.val_curve, self.best_marker, self.best_label):
            item.setVisible(show)
        if current is None or current.is_regression:  # a regression run has no accuracy
            self.train_curve.setData(np.zeros(0), np.zeros(0))
            self.val_curve.setData(np.zeros(0), np.zeros(0))
            self.best_marker.setData([], [])
            self.best_label.setText("")
            return
        epochs = current.column("epoch")
        self.train_curve.setData(epochs, 100.0 * current.column("train_accuracy"))
        self.val_curve.setData(epochs, 100.0 * current.column("val_accuracy"))
        best = current.best
        if best is None or not np.isfinite(best.val_accuracy):
            self.best_marker.setData([], [])
            self.best_label.setText("")
        else:
            y = 100.0 * best.val_accuracy
            self.best_marker.setData([float(best.epoch)], [y])
            self.best_label.setText(self.tr("best {value:.1f} %").format(value=y))
            self.best_label.setPos(float(best.epoch), y)

    def _draw_overlay(self, run: Run) -> None:
        entry = self.overlays.get(run.number)
        if entry is None:
            label = self.tr("Run {number} (validation)").format(number=run.label)
            curve = style.add_curve(
                self.plot, style.run_colour(run.number), label, 1.5, dashed=True, symbol="t"
            )
            entry = (curve, -1)
        curve, version = entry
        if version != run.version:
            curve.setData(run.column("epoch"), 100.0 * run.column("val_accuracy"))
        self.overlays[run.number] = (curve, run.version)
