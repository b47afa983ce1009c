"""Predicted against true values of the validation split, with the y = x line of a perfect fit.

The regression counterpart of the confusion matrix: points on the dashed diagonal
are exact, points above it over-predict, points below under-predict. Both axes
share one scale (locked aspect), so the diagonal is at 45 degrees.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from studio.gui.plots import style
from studio.gui.plots.state import DashboardState
from studio.gui.plots.view_base import DashboardView

POINT_SIZE = 5


class ScatterView(DashboardView):
    """The last epoch's validation predictions (object name ``scatterView``)."""

    def __init__(self, state: DashboardState, parent: QWidget | None = None) -> None:
        super().__init__(state, "scatterView", parent)
        self.graphics = style.new_graphics()
        self.graphics.setAccessibleName(self.tr("Predicted against true values"))
        self.plot: pg.PlotItem = self.graphics.addPlot()
        style.style_plot(
            self.plot,
            self.tr("Predicted vs true (validation)"),
            self.tr("Predicted value"),
            self.tr("True value"),
        )
        self.plot.getAxis("left").setWidth(62)
        self.plot.setAspectLocked(True)
        self.legend = style.add_legend(self.plot, offset=(10, 10))
        self.identity_line = self.plot.plot(
            [0.0, 1.0],
            [0.0, 1.0],
            pen=style.pen(style.faint(style.FOREGROUND, 170), 1.5, dashed=True),
            name=self.tr("Perfect fit (y = x)"),
        )
        self.points = pg.ScatterPlotItem(
            size=POINT_SIZE,
            pen=None,
            brush=pg.mkBrush(style.faint(style.VAL, 150)),
        )
        self.plot.addItem(self.points)
        self.legend.addItem(self.points, self.tr("Validation samples"))
        self.caption = QLabel(self)
        self.caption.setObjectName("scatterCaption")
        self.caption.setWordWrap(True)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.graphics, 1)
        box.addWidget(self.caption)
        self.shown_points = 0
        """How many points the cloud holds (tests read it; the split may be thinned)."""
        self._shown: tuple[int, int] | None = None
        self.caption.setText(self.tr("The scatter appears after the first epoch."))

    def export_scene(self):
        return self.graphics.scene()

    def redraw(self) -> None:
        run = self.state.store.current
        sample = run.regression if run is not None and run.is_regression else None
        if sample is None:
            self.points.setData([], [])
            self.shown_points = 0
            self._shown = None
            if run is not None and run.is_regression and run.epochs and not run.running:
                self.caption.setText(
                    self.tr("This run kept no validation predictions; train again to see them.")
                )
            else:
                self.caption.setText(self.tr("The scatter appears after the first epoch."))
            return
        key = (run.number, run.version)
        if key == self._shown:
            return
        self._shown = key
        true, predicted = sample.thinned()
        self.points.setData(x=true, y=predicted)
        self.shown_points = int(true.shape[0])
        span = sample.value_range()
        if span is not None:
            low, high = span
            self.identity_line.setData([low, high], [low, high])
            pad = 0.04 * (high - low)
            self.plot.setRange(xRange=(low - pad, high + pad), yRange=(low - pad, high + pad))
        self.caption.setText(self._caption(run, len(sample), self.shown_points))

    def _caption(self, run, total: int, shown: int) -> str:
        last = run.epochs[-1] if run.epochs else None
        text = self.tr("Epoch {epoch}: {count} validation samples.").format(
            epoch=last.epoch if last else "–", count=f"{total:,}"
        )
        if last is not None and math.isfinite(last.val_mae) and math.isfinite(last.val_r2):
            text += " " + self.tr("MAE {mae}, R² {r2}.").format(
                mae=f"{last.val_mae:.4g}", r2=f"{last.val_r2:.3f}"
            )
        if shown < total:
            text += " " + self.tr("{shown} of them are drawn, evenly spread.").format(
                shown=f"{shown:,}"
            )
        return text

    def points_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(true, predicted) of the points drawn."""
        x, y = self.points.getData()
        return np.asarray(x), np.asarray(y)
