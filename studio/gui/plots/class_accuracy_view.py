"""Validation accuracy of each class: a bar chart of the last epoch, one curve per class.

Each class keeps its colour in both plots, so a weak bar leads the eye to its curve.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from studio.gui.plots import style
from studio.gui.plots.state import DashboardState
from studio.gui.plots.text_layer import Label, TextLayer
from studio.gui.plots.view_base import DashboardView

MAX_BAR_LABELS = 30
LEGEND_WIDTH = 150
LABEL_INSIDE_FROM = 12.0
"""Bars at least this tall (in %) carry their value inside, below their top."""


class ClassAccuracyView(DashboardView):
    def __init__(self, state: DashboardState, parent: QWidget | None = None) -> None:
        super().__init__(state, "classAccuracyPlot", parent)
        self.graphics = style.new_graphics()
        self.graphics.setAccessibleName(self.tr("Per-class accuracy plots"))
        self.bar_plot: pg.PlotItem = self.graphics.addPlot(row=0, col=0, colspan=2)
        style.style_plot(
            self.bar_plot,
            self.tr("Validation accuracy per class"),
            self.tr("Accuracy (%)"),
            self.tr("Class"),
        )
        self.bar_plot.setYRange(0, 100, padding=0.03)
        self.bar_plot.getAxis("left").setTicks([[(v, str(v)) for v in range(0, 101, 20)]])
        self.bar_plot.getAxis("left").setWidth(62)
        self.bar_plot.setMouseEnabled(x=False, y=False)
        self.bars = pg.BarGraphItem(x=np.zeros(0), height=np.zeros(0), width=0.7)
        self.bar_plot.addItem(self.bars)
        self.mean_line = pg.InfiniteLine(
            angle=0,
            pen=style.pen(style.VAL, 1.5, dashed=True),
        )
        self.mean_line.setVisible(False)
        self.bar_plot.addItem(self.mean_line)
        self.value_text = TextLayer(style.label_font(style.TEXT_PT - 1))
        self.value_text.setZValue(5)
        self.bar_plot.addItem(self.value_text)

        self.curve_plot: pg.PlotItem = self.graphics.addPlot(
            row=1, col=0, axisItems={"bottom": style.IntegerAxis("bottom")}
        )
        style.style_plot(
            self.curve_plot,
            self.tr("Per-class accuracy over epochs"),
            self.tr("Accuracy (%)"),
            self.tr("Epoch"),
        )
        self.curve_plot.getAxis("left").setWidth(62)
        self.curve_plot.setLimits(yMin=-2, yMax=102)
        self.legend = pg.LegendItem(
            labelTextColor=style.FOREGROUND, labelTextSize=f"{style.TEXT_PT}pt", verSpacing=-4
        )
        self.legend.setMaximumWidth(LEGEND_WIDTH)
        # As tall as its rows, at the top of its cell: spread over the cell it was not compact.
        self.legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.graphics.addItem(self.legend, row=1, col=1)
        self.graphics.ci.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
        self.graphics.ci.layout.setColumnStretchFactor(0, 1)
        self.graphics.ci.layout.setRowStretchFactor(0, 1)
        self.graphics.ci.layout.setRowStretchFactor(1, 1)
        self.class_curves: list[pg.PlotDataItem] = []
        self._classes: list[str] = []
        self.epoch: int | None = None

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.graphics)

    def export_scene(self):
        return self.graphics.scene()

    def bar_heights(self) -> np.ndarray:
        """The plotted bar heights in percent (what a test or a screen reader can check)."""
        heights = self.bars.opts.get("height")
        return np.asarray(heights if heights is not None else [], dtype=np.float64)

    def _set_classes(self, classes: list[str]) -> None:
        if classes == self._classes:
            return
        self._classes = list(classes)
        count = len(classes)
        for curve in self.class_curves:
            self.curve_plot.removeItem(curve)
        self.legend.clear()
        self.class_curves = []
        for index, name in enumerate(classes):
            curve = style.add_curve(self.curve_plot, style.class_colour(index, count), None, 1.8)
            self.class_curves.append(curve)
            self.legend.addItem(curve, name)
        self.legend.setColumnCount(2 if count > 5 else 1)  # ten classes in five short rows
        ticks = [(float(i), name) for i, name in enumerate(classes)]
        self.bar_plot.getAxis("bottom").setTicks([ticks])
        self.bar_plot.setXRange(-0.6, count - 0.4, padding=0)

    def redraw(self) -> None:
        run = self.state.store.current
        if run is None or not run.classes:
            return
        classes = list(run.classes)
        self._set_classes(classes)
        table = 100.0 * run.class_accuracy()
        if table.shape[0] == 0:
            return
        epochs = run.column("epoch")
        for index, curve in enumerate(self.class_curves):
            curve.setData(epochs, table[:, index])
        last = table[-1]
        heights = np.nan_to_num(last, nan=0.0)
        count = len(classes)
        brushes = [pg.mkBrush(style.class_colour(i, count)) for i in range(count)]
        self.bars.setOpts(
            x=np.arange(count, dtype=np.float64), height=heights, width=0.7, brushes=brushes
        )
        labels = []
        if count <= MAX_BAR_LABELS:
            black, foreground = QColor("#000000"), QColor(style.FOREGROUND)
            for index in range(count):
                inside = heights[index] >= LABEL_INSIDE_FROM
                labels.append(
                    Label(
                        float(index),
                        float(heights[index]),
                        "–" if np.isnan(last[index]) else f"{last[index]:.0f}",
                        black if inside else foreground,
                        (0.5, -0.15) if inside else (0.5, 1.15),
                    )
                )
        self.value_text.set_labels(labels)
        record = run.epochs[-1]
        self.epoch = record.epoch
        overall = 100.0 * record.val_accuracy
        self.mean_line.setVisible(True)
        self.mean_line.setPos(overall)
        self.bar_plot.setTitle(
            self.tr(
                "Validation accuracy per class, epoch {epoch} (dashed line: all classes, "
                "{value:.1f} %)"
            ).format(epoch=record.epoch, value=overall),
            color=style.FOREGROUND,
            size=f"{style.TEXT_PT + 1}pt",
        )
        worst = int(np.nanargmin(last)) if not np.all(np.isnan(last)) else None
        for index, curve in enumerate(self.class_curves):
            curve.setZValue(10 if index == worst else 0)
        self.bars.setToolTip(
            "\n".join(
                f"{name}: {value:.1f} %" for name, value in zip(classes, heights, strict=True)
            )
        )
