"""Regression metrics per epoch: validation MAE above, R² below, the best epoch marked.

A regression run has no accuracy, so these curves take the accuracy plot's place;
earlier regression runs of the session are overlaid dashed, as on the other plots.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QVBoxLayout, QWidget

from studio.gui.plots import style
from studio.gui.plots.history import Run
from studio.gui.plots.state import DashboardState
from studio.gui.plots.view_base import DashboardView

R2_FLOOR = -1.0
"""The R² axis starts no lower than this: an untrained net's R² can be -50, and showing
that would flatten the part worth reading (0..1). Panning still reaches lower points."""
R2_MIN_SPAN = 0.05
"""The axis spans at least 0.95..1, so a flat R² of 0.99 is not magnified into noise."""


class RegressionCurvesView(DashboardView):
    """Validation MAE and R² over epochs (object name ``regressionView``)."""

    def __init__(self, state: DashboardState, parent: QWidget | None = None) -> None:
        super().__init__(state, "regressionView", parent)
        self.graphics = style.new_graphics()
        self.graphics.setAccessibleName(self.tr("Regression metrics plot"))
        self.mae_plot: pg.PlotItem = self.graphics.addPlot(
            row=0, col=0, axisItems={"bottom": style.IntegerAxis("bottom")}
        )
        style.style_plot(
            self.mae_plot,
            self.tr("Mean absolute error"),
            self.tr("MAE"),
            self.tr("Epoch"),
        )
        self.mae_legend = style.add_legend(self.mae_plot, offset=(-10, 10))
        self.mae_curve = style.add_curve(
            self.mae_plot, style.VAL, self.tr("Validation MAE"), 2.0, symbol="o"
        )
        self.best_marker = pg.ScatterPlotItem(
            size=18, symbol="star", brush=pg.mkBrush(style.BEST), pen=pg.mkPen(style.BACKGROUND)
        )
        self.mae_plot.addItem(self.best_marker)
        self.mae_legend.addItem(self.best_marker, self.tr("Best epoch (lowest validation loss)"))

        self.r2_plot: pg.PlotItem = self.graphics.addPlot(
            row=1, col=0, axisItems={"bottom": style.IntegerAxis("bottom")}
        )
        style.style_plot(self.r2_plot, self.tr("R²"), self.tr("R²"), self.tr("Epoch"))
        self.r2_plot.setXLink(self.mae_plot)
        self.r2_curve = style.add_curve(
            self.r2_plot, style.TRAIN, self.tr("Validation R²"), 2.0, symbol="o"
        )
        self.perfect_line = pg.InfiniteLine(
            pos=1.0, angle=0, pen=style.pen(style.faint(style.FOREGROUND, 120), 1.0, dashed=True)
        )
        self.r2_plot.addItem(self.perfect_line)
        self.r2_label = pg.TextItem(color=style.FOREGROUND, anchor=(1.0, -0.3))
        self.r2_plot.addItem(self.r2_label)
        for plot in (self.mae_plot, self.r2_plot):
            plot.getAxis("left").setWidth(62)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.graphics)
        self.overlays: dict[int, tuple[pg.PlotDataItem, pg.PlotDataItem, int]] = {}

    def export_scene(self):
        return self.graphics.scene()

    def redraw(self) -> None:
        runs = self.state.store.runs
        current = runs[-1] if runs else None
        for run in runs[:-1]:
            if run.is_regression and run.number not in self.state.hidden_runs:
                self._draw_overlay(run)  # a hidden run's curves are made when first shown
        for number, (mae, r2, _version) in self.overlays.items():
            visible = number not in self.state.hidden_runs and (
                current is None or number != current.number
            )
            style.set_curve_shown(self.mae_plot, mae, visible)
            style.set_curve_shown(self.r2_plot, r2, visible)
        show = (
            current is not None
            and current.is_regression
            and current.number not in self.state.hidden_runs
        )
        for item in (self.mae_curve, self.r2_curve, self.best_marker, self.r2_label):
            item.setVisible(show)
        if not show or current is None:
            return
        epochs = current.column("epoch")
        r2 = current.column("val_r2")
        self.mae_curve.setData(epochs, current.column("val_mae"))
        self.r2_curve.setData(epochs, r2)
        self._mark_best(current)
        self._fit_r2_axis(r2)
        last = current.epochs[-1] if current.epochs else None
        if last is not None and math.isfinite(last.val_r2):
            self.r2_label.setText(self.tr("R² {value:.3f}").format(value=last.val_r2))
            self.r2_label.setPos(float(last.epoch), min(1.0, max(R2_FLOOR, last.val_r2)))
        else:
            self.r2_label.setText("")

    def _mark_best(self, run: Run) -> None:
        best = run.best
        if best is None or not math.isfinite(best.val_mae):
            self.best_marker.setData([], [])
        else:
            self.best_marker.setData([float(best.epoch)], [best.val_mae])

    def _fit_r2_axis(self, r2: np.ndarray) -> None:
        finite = r2[np.isfinite(r2)]
        low = max(R2_FLOOR, float(finite.min())) if finite.size else 0.0
        self.r2_plot.setYRange(min(low, 1.0 - R2_MIN_SPAN), 1.0, padding=0.08)

    def _draw_overlay(self, run: Run) -> None:
        entry = self.overlays.get(run.number)
        if entry is None:
            colour = style.run_colour(run.number)
            label = self.tr("Run {number} (validation)").format(number=run.label)
            mae = style.add_curve(self.mae_plot, colour, label, 1.5, dashed=True, symbol="t")
            r2 = style.add_curve(self.r2_plot, colour, None, 1.5, dashed=True, symbol="t")
            entry = (mae, r2, -1)
        mae, r2, version = entry
        if version != run.version:
            mae.setData(run.column("epoch"), run.column("val_mae"))
            r2.setData(run.column("epoch"), run.column("val_r2"))
        self.overlays[run.number] = (mae, r2, run.version)
