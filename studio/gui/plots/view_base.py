"""The common contract of the dashboard's views: store-then-redraw, and export as an image."""

from __future__ import annotations

import time

import pyqtgraph as pg
from PySide6.QtGui import QImage, QShowEvent
from PySide6.QtWidgets import QGraphicsScene, QWidget

from studio.gui.plots.state import DashboardState

DUTY_FACTOR = 4.0
"""A view waits at least this many times its last redraw's cost before redrawing again."""
INACTIVE_INTERVAL = 2.0
"""Least seconds between two timer-driven redraws while the window is not the active one:
the person looks elsewhere, and every frame not painted is CPU the trainer keeps."""


class DashboardView(QWidget):
    """A view that redraws from the shared state only when marked dirty.

    Events never draw: they mark views dirty, and the dashboard's timer calls
    ``refresh_if_dirty`` at most ~30 times a second. A hidden view stays dirty
    and catches up when it is shown. A view whose redraw gets expensive (a very
    long run) redraws less often, so it never takes more than ~20 % of the GUI
    thread; ``min_interval`` caps the rate of a view further.
    """

    min_interval = 0.0
    """Least seconds between two timer-driven redraws of this view."""

    def __init__(self, state: DashboardState, object_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.state = state
        self._dirty = True
        self.redraw_count = 0
        self._last_redraw = -float("inf")
        self._last_cost = 0.0

    @property
    def dirty(self) -> bool:
        return self._dirty

    def mark_dirty(self) -> None:
        self._dirty = True

    def seconds_until_due(self) -> float | None:
        """How long until a timer-driven redraw may run (0: now); None when none is wanted."""
        if not self._dirty or not self.isVisible():
            return None
        return max(0.0, self._last_redraw + self._wait() - time.monotonic())

    def _wait(self) -> float:
        """Seconds between two timer-driven redraws: the view's own cap, its cost, and a
        slower pace while the window is in the background."""
        wait = max(self.min_interval, DUTY_FACTOR * self._last_cost)
        return wait if self.isActiveWindow() else max(wait, INACTIVE_INTERVAL)

    def refresh_if_dirty(self, force: bool = False) -> bool:
        """Redraw if dirty and visible (or ``force``); return whether it redrew."""
        if not self._dirty or not (force or self.isVisible()):
            return False
        now = time.monotonic()
        if not force and now - self._last_redraw < self._wait():
            return False
        self._dirty = False
        self.redraw()
        self._settle()
        self._last_cost = time.monotonic() - now
        self._last_redraw = time.monotonic()
        self.redraw_count += 1
        return True

    def _settle(self) -> None:
        """Let the plots fit their ranges and transforms now (pyqtgraph's own pre-paint
        step), so the paint that follows is the only one. Left to the paint, the new
        transform made the plotted items report moved bounds, which queued a second paint
        of the plot ~30 ms later (measured on the loss view: 1.75 viewport paints per
        redraw, then 1.27)."""
        for view in self.findChildren(pg.GraphicsView):
            view.scene().prepareForPaint()

    def redraw(self) -> None:
        """Read the shared state and update the existing plot items (never recreate them)."""
        raise NotImplementedError

    def export_scene(self) -> QGraphicsScene | None:
        """The pyqtgraph scene to export as PNG, or None to grab the widget instead."""
        return None

    def export_image(self) -> QImage:
        """The view as an image, at least 1200 pixels wide for a sharp PNG."""
        self.refresh_if_dirty(force=True)
        scene = self.export_scene()
        if scene is None:
            return self.grab().toImage()
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(scene)
        width = int(exporter.parameters()["width"])
        if 0 < width < 1200:
            exporter.parameters()["width"] = 1200
        return exporter.export(toBytes=True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh_if_dirty(force=True)
