"""One look for every plot: dark background, the same colour per meaning, readable labels.

Training is blue and validation orange everywhere; classes keep one colour each
across the bar chart and the curves; earlier runs are dashed.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QGraphicsItem

BACKGROUND = "#141414"
FOREGROUND = "#d8d8d8"
GRID_ALPHA = 0.15
TRAIN = QColor(90, 160, 230)
VAL = QColor(255, 165, 40)
LR = QColor(120, 200, 120)
BEST = QColor(255, 230, 80)
TEXT_PT = 10

# Tableau 10: distinct on a dark background and familiar from matplotlib.
_TAB10 = (
    "#4e9ee0",
    "#ff9d3a",
    "#4cc25a",
    "#e6554f",
    "#a682d6",
    "#b07a6a",
    "#f08ccf",
    "#a0a0a0",
    "#d4d44a",
    "#3ed0e0",
)
_RUN_COLOURS = ("#c0c0c0", "#d98cd9", "#8cd9c4", "#d9c48c", "#8ca6d9", "#d98c8c")


def class_colour(index: int, count: int) -> QColor:
    if count <= len(_TAB10):
        return QColor(_TAB10[index % len(_TAB10)])
    return pg.intColor(index, hues=max(count, 1), values=1, minValue=180, maxValue=255)


def run_colour(run_number: int) -> QColor:
    return QColor(_RUN_COLOURS[(run_number - 1) % len(_RUN_COLOURS)])


def faint(colour: QColor, alpha: int = 70) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(alpha)
    return faded


def pen(colour: QColor, width: float = 1.5, dashed: bool = False) -> pg.QtGui.QPen:
    result = pg.mkPen(colour, width=width)
    if dashed:
        result.setStyle(Qt.PenStyle.DashLine)
    result.setCosmetic(True)
    return result


def label_font(points: int = TEXT_PT, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font


def style_plot(
    plot: pg.PlotItem, title: str, left: str, bottom: str, left_units: str | None = None
) -> None:
    """Title, axis labels and a faint grid, the same on every plot."""
    plot.setTitle(title, color=FOREGROUND, size=f"{TEXT_PT + 1}pt")
    plot.setLabel("left", left, units=left_units, color=FOREGROUND, size=f"{TEXT_PT}pt")
    plot.setLabel("bottom", bottom, color=FOREGROUND, size=f"{TEXT_PT}pt")
    plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    for name in ("left", "bottom", "top", "right"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(FOREGROUND))
        axis.setTextPen(pg.mkPen(FOREGROUND))
        axis.setTickFont(label_font(TEXT_PT - 1))
        # Major ticks only: the minor grid lines cost more to paint than all the curves.
        axis.setStyle(maxTickLevel=0)
        # An SI prefix ("x0.001") rewrites and re-lays out the axis label on every range change.
        axis.enableAutoSIPrefix(False)
        # Replaying an axis's QPicture lays its tick text out again on every paint (~1 ms an
        # axis); a pixmap cache makes a repaint with unchanged axes a copy (6 → 1.7 ms for
        # the loss view). pyqtgraph calls update() when ticks change, which refreshes it.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    plot.setMenuEnabled(False)


def add_curve(
    plot: pg.PlotItem,
    colour: QColor,
    name: str | None = None,
    width: float = 1.5,
    dashed: bool = False,
    symbol: str | None = None,
) -> pg.PlotDataItem:
    """A curve that stays fast at a million points (peak downsampling, clip to view)."""
    kwargs = {}
    if symbol:
        kwargs = {
            "symbol": symbol,
            "symbolSize": 7,
            "symbolBrush": colour,
            "symbolPen": pg.mkPen(BACKGROUND),
        }
    item = plot.plot(
        np.zeros(0, dtype=np.float64),
        np.zeros(0, dtype=np.float64),
        pen=pen(colour, width, dashed),
        name=name,
        connect="finite",
        # One min/max pair per pixel column draws the same envelope as pyqtgraph's default
        # five, with a fifth of the points (a long per-step curve: ~35 % less paint time).
        autoDownsampleFactor=1.0,
        **kwargs,
    )
    item.setDownsampling(auto=True, method="peak")
    item.setClipToView(True)
    return item


def new_graphics() -> pg.GraphicsLayoutWidget:
    widget = pg.GraphicsLayoutWidget()
    widget.setBackground(BACKGROUND)
    widget.ci.setContentsMargins(6, 6, 12, 6)
    return widget


def add_legend(plot: pg.PlotItem, offset: tuple[int, int]) -> pg.LegendItem:
    legend = plot.addLegend(offset=offset, labelTextColor=FOREGROUND, labelTextSize=f"{TEXT_PT}pt")
    legend.setBrush(pg.mkBrush(20, 20, 20, 200))
    legend.setPen(pg.mkPen(80, 80, 80))
    return legend


class IntegerAxis(pg.AxisItem):
    """An axis for epochs or class indices: ticks only at whole numbers."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float):
        span = max(maxVal - minVal, 1e-9)
        fit = max(1.0, size / 45.0)  # ticks that fit with room for their numbers
        spacing = 1.0
        for factor in itertools.cycle((2.0, 2.5, 2.0)):
            if span / spacing <= fit:
                break
            spacing *= factor
        return [(spacing, 0.0)]


@lru_cache(maxsize=8)
def colour_lut(name: str = "viridis") -> np.ndarray:
    """A (256, 3) uint8 lookup table, applied with numpy (``lut[index]``)."""
    cmap = pg.colormap.get(name)
    return np.ascontiguousarray(cmap.getLookupTable(0.0, 1.0, 256, alpha=False), dtype=np.uint8)


def text_colour_for(rgb: np.ndarray) -> QColor:
    """Black on bright cells, white on dark ones."""
    r, g, b = (float(v) for v in rgb[:3])
    return QColor("#000000") if 0.299 * r + 0.587 * g + 0.114 * b > 140 else QColor("#ffffff")


def set_curve_shown(plot: pg.PlotItem, curve: pg.PlotDataItem, shown: bool) -> None:
    """Show or hide a named curve together with its legend row.

    A hidden curve's row would stay in the legend (faded), which then grows with every
    run of the session and is laid out and painted on every frame.
    """
    curve.setVisible(shown)
    legend = plot.legend
    if legend is None or curve.name() is None:
        return
    listed = _in_legend(plot, curve)
    if shown and not listed:
        legend.addItem(curve, curve.name())
    elif not shown and listed:
        legend.removeItem(curve)


def _in_legend(plot: pg.PlotItem, curve: pg.PlotDataItem) -> bool:
    return any(sample.item is curve for sample, _label in plot.legend.items)
