"""The two-stage fine-tuning switch on the loss plot: a labelled vertical line at its step.

A line on the learning-rate plot below (unlabelled) shows the same step, where the
frozen layers' own, lower rate begins.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from studio.core.training.events import Unfrozen
from studio.gui.plots import style

MARK = QColor(120, 190, 255)
"""Cold blue, as the lock on frozen cards."""


def marker_text(event: Unfrozen) -> str:
    """The line's label: "Frozen layers unfrozen · lr 0.0001" (or "Last 2 stages …")."""
    lr = f"{event.lr:.3g}"
    if event.stages > 0:
        text = QCoreApplication.translate("UnfreezeMarkers", "Last {n} stages unfrozen · lr {lr}")
        return text.format(n=event.stages, lr=lr)
    text = QCoreApplication.translate("UnfreezeMarkers", "Frozen layers unfrozen · lr {lr}")
    return text.format(lr=lr)


class UnfreezeMarkers:
    """Keeps one line per switch of the run shown; rebuilt only when the switches change."""

    def __init__(self, loss_plot: pg.PlotItem, lr_plot: pg.PlotItem) -> None:
        self._loss_plot, self._lr_plot = loss_plot, lr_plot
        self._items: list[tuple[pg.PlotItem, pg.InfiniteLine]] = []
        self._shown: tuple[tuple[float, float, int], ...] = ()

    def show(self, events: Sequence[Unfrozen], visible: bool = True) -> None:
        key = tuple((float(e.global_step), float(e.lr), int(e.stages)) for e in events)
        if key != self._shown:
            self._clear()
            for event in events:
                self._add(event)
            self._shown = key
        for _, line in self._items:
            line.setVisible(visible)

    @property
    def lines(self) -> list[pg.InfiniteLine]:
        """The labelled lines on the loss plot, in order."""
        return [line for plot, line in self._items if plot is self._loss_plot]

    @property
    def labels(self) -> list[str]:
        """The texts shown, for tests and the accessible description."""
        return [line.label.format for line in self.lines]

    def _add(self, event: Unfrozen) -> None:
        pen = style.pen(MARK, width=1.5, dashed=True)
        line = pg.InfiniteLine(
            pos=float(event.global_step),
            angle=90,
            pen=pen,
            movable=False,
            label=marker_text(event),
            labelOpts={
                "position": 0.5,
                "rotateAxis": (1, 0),
                "anchors": [(0.5, 1), (0.5, 1)],
                "color": MARK,
                "fill": pg.mkBrush(20, 20, 20, 200),
            },
        )
        line.setZValue(5)
        self._loss_plot.addItem(line, ignoreBounds=True)
        below = pg.InfiniteLine(pos=float(event.global_step), angle=90, pen=pen, movable=False)
        self._lr_plot.addItem(below, ignoreBounds=True)
        self._items += [(self._loss_plot, line), (self._lr_plot, below)]

    def _clear(self) -> None:
        for plot, line in self._items:
            plot.removeItem(line)
        self._items = []
