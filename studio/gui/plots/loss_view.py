"""Training loss per step (raw and smoothed), validation loss per epoch, and the learning rate."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from studio.gui.plots import style
from studio.gui.plots.history import Run
from studio.gui.plots.state import DashboardState
from studio.gui.plots.unfreeze_marker import UnfreezeMarkers
from studio.gui.plots.view_base import DashboardView

LINE_WIDTH = 1.0
"""Every curve of this view is one pixel wide: it repaints twice a second while a run trains,
and Qt's raster engine strokes wider lines on a slow path (measured: curves' paint time
2-4× lower at width 1 than at 1.5-2)."""


class _Overlay:
    """The curves of one earlier run, created once and then only shown, hidden or refilled."""

    def __init__(self, loss_plot: pg.PlotItem, run: Run, label: str) -> None:
        self.plot = loss_plot
        colour = style.run_colour(run.number)
        self.smooth = style.add_curve(loss_plot, colour, label, width=LINE_WIDTH, dashed=True)
        self.val = style.add_curve(
            loss_plot, colour, None, width=LINE_WIDTH, dashed=True, symbol="t"
        )
        self.version = -1

    def set_visible(self, visible: bool) -> None:
        style.set_curve_shown(self.plot, self.smooth, visible)
        self.val.setVisible(visible)


class LossView(DashboardView):
    """The loss plot (x: training steps, epochs on the top axis) over a learning-rate plot."""

    min_interval = 0.5
    """Two frames a second. Painting these plots takes the GUI thread ~10 ms a frame on a
    2-core CPU, and the trainer loses about twice the GUI's busy share (the GIL), so a
    faster refresh visibly slows training (measured: 10 Hz cost ~20 % of samples/s)."""

    def __init__(self, state: DashboardState, parent: QWidget | None = None) -> None:
        super().__init__(state, "lossPlot", parent)
        self.graphics = style.new_graphics()
        self.graphics.setAccessibleName(self.tr("Loss plot"))
        self.epoch_axis = pg.AxisItem("top")
        self.epoch_axis.enableAutoSIPrefix(False)
        self.loss_plot: pg.PlotItem = self.graphics.addPlot(
            row=0, col=0, axisItems={"top": self.epoch_axis}
        )
        style.style_plot(
            self.loss_plot, self.tr("Loss"), self.tr("Loss"), self.tr("Training step (batches)")
        )
        self.loss_plot.setLabel("bottom", "")  # the learning-rate plot below names the x axis
        self.loss_plot.showAxis("top")
        self.loss_plot.setLabel("top", self.tr("Epoch"), color=style.FOREGROUND)
        self.legend = style.add_legend(self.loss_plot, offset=(-10, 10))
        self.raw_curve = style.add_curve(
            self.loss_plot,
            style.faint(style.TRAIN, 90),
            self.tr("Training loss (each step)"),
            LINE_WIDTH,
        )
        self.smooth_curve = style.add_curve(
            self.loss_plot, style.TRAIN, self.tr("Training loss (smoothed)"), LINE_WIDTH
        )
        self.val_curve = style.add_curve(
            self.loss_plot,
            style.VAL,
            self.tr("Validation loss (each epoch)"),
            LINE_WIDTH,
            symbol="o",
        )

        self.lr_plot: pg.PlotItem = self.graphics.addPlot(row=1, col=0)
        style.style_plot(
            self.lr_plot, "", self.tr("Learning rate"), self.tr("Training step (batches)")
        )
        self.lr_plot.setXLink(self.loss_plot)
        self.lr_plot.getAxis("left").setWidth(self.loss_plot.getAxis("left").width())
        self.lr_curve = style.add_curve(self.lr_plot, style.LR, None, LINE_WIDTH)
        lr_axis = self.lr_plot.getAxis("left")
        lr_axis.enableAutoSIPrefix(False)  # "0.002", not "2" with a "(×0.001)" in the label
        lr_axis.setStyle(maxTickLevel=0)  # a few major ticks fit the short plot
        layout = self.graphics.ci.layout
        layout.setRowStretchFactor(0, 3)
        layout.setRowStretchFactor(1, 1)
        for plot in (self.loss_plot, self.lr_plot):
            plot.getAxis("left").setWidth(62)

        self.log_box = QCheckBox(self.tr("Logarithmic loss axis"))
        self.log_box.setAccessibleName(self.tr("Logarithmic loss axis"))
        self.log_box.toggled.connect(lambda on: self.loss_plot.setLogMode(y=on))
        controls = QHBoxLayout()
        controls.addStretch(1)
        controls.addWidget(self.log_box)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.graphics, 1)
        box.addLayout(controls)

        self.overlays: dict[int, _Overlay] = {}
        self._val_key: tuple | None = None
        self._x_span = 0.0
        self._x_run = 0
        self._x_by_person = False
        self.loss_plot.vb.sigRangeChangedManually.connect(self._on_person_moved_range)
        self.unfreeze_markers = UnfreezeMarkers(self.loss_plot, self.lr_plot)

    def export_scene(self):
        return self.graphics.scene()

    def redraw(self) -> None:
        runs = self.state.store.runs
        current = runs[-1] if runs else None
        for run in runs[:-1]:
            if run.number not in self.state.hidden_runs:  # made when first shown
                self._draw_overlay(run)
        for number, overlay in self.overlays.items():
            is_current = current is not None and number == current.number
            overlay.set_visible(not is_current and number not in self.state.hidden_runs)
        show_current = current is not None and current.number not in self.state.hidden_runs
        for curve in (self.raw_curve, self.smooth_curve, self.val_curve, self.lr_curve):
            curve.setVisible(show_current)
        self.unfreeze_markers.show(current.unfrozen if current else (), show_current)
        if current is None:
            for curve in (self.raw_curve, self.smooth_curve, self.val_curve, self.lr_curve):
                curve.setData(np.zeros(0), np.zeros(0))
            self._val_key = None
            return
        steps = current.steps
        x = steps.steps
        self.raw_curve.setData(x, steps.loss)
        self.smooth_curve.setData(x, steps.smoothed)
        self.lr_curve.setData(x, steps.lr)
        # The validation points change only at epoch ends; re-setting them each frame
        # rebuilt their symbols (a fifth of this redraw's time).
        val_key = (
            current.number,
            len(current.epochs),
            current.epochs[-1] if current.epochs else None,
        )
        if val_key != self._val_key:
            self._val_key = val_key
            self.val_curve.setData(current.column("step"), current.column("val_loss"))
        if current.steps_per_epoch > 0:
            self.epoch_axis.setScale(1.0 / current.steps_per_epoch)
        self._span_planned_steps(current)

    def _span_planned_steps(self, current: Run) -> None:
        """Show the whole planned run on the x axis from the start, so the step and epoch axes
        (and their grid) stay still while the curve grows. Redrawing the axes whose ticks
        moved each frame was about a third of the loss view's paint time. A range the
        person zoomed or panned to is kept until the next run."""
        if current.number != self._x_run:
            self._x_run, self._x_by_person = current.number, False
        ends = [float(current.steps_per_epoch * current.total_epochs)]
        ends += [float(run.steps.steps[-1]) for run in self.state.store.runs if len(run.steps)]
        span = max(ends)
        if span <= 0 or span == self._x_span or self._x_by_person:
            return
        self._x_span = span
        self.loss_plot.setXRange(0.0, span, padding=0.02)  # turns off following the data in x

    def _on_person_moved_range(self, *_: object) -> None:
        self._x_by_person = True

    def _draw_overlay(self, run: Run) -> None:
        overlay = self.overlays.get(run.number)
        if overlay is None:
            label = self.tr("Run {number} (smoothed loss)").format(number=run.label)
            overlay = self.overlays[run.number] = _Overlay(self.loss_plot, run, label)
        if overlay.version != run.version:
            overlay.smooth.setData(run.steps.steps, run.steps.smoothed)
            overlay.val.setData(run.column("step"), run.column("val_loss"))
            overlay.version = run.version
