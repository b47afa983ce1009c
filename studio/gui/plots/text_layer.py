"""Many short labels at data positions (matrix cells, bar values), painted in one pass.

A ``pg.TextItem`` per label is a QGraphicsTextItem with its own transform, updated
on every view change, and its own paint: with 100 of them a confusion-matrix redraw
took ~35 ms and showing its tab ~100 ms on a busy 2-core machine. This one item
keeps plain (x, y, text, colour) rows and draws them all in screen pixels, so the
text keeps its size whatever the axes' scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

MARGIN_PX = 80.0
"""Room around the labels' anchor points for the text itself, in screen pixels."""


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    colour: QColor
    anchor: tuple[float, float] = (0.5, 0.5)
    """Which point of the text sits on (x, y): (0.5, 0.5) centred, (0.5, 1.0) above it."""


class TextLayer(pg.GraphicsObject):
    def __init__(self, font: QFont) -> None:
        super().__init__()
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self._labels: list[Label] = []
        self._data_rect = QRectF()

    def set_labels(self, labels: list[Label]) -> None:
        self.prepareGeometryChange()
        self._labels = list(labels)
        if labels:
            xs = [label.x for label in labels]
            ys = [label.y for label in labels]
            self._data_rect = QRectF(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        else:
            self._data_rect = QRectF()
        self.update()

    def set_font(self, font: QFont) -> None:
        self._font = QFont(font)
        self._metrics = QFontMetricsF(self._font)
        self.update()

    def labels(self) -> list[Label]:
        return list(self._labels)

    def texts(self) -> list[str]:
        return [label.text for label in self._labels]

    def boundingRect(self) -> QRectF:
        if not self._labels:
            return QRectF()
        px, py = self.pixelWidth() or 0.0, self.pixelHeight() or 0.0
        return self._data_rect.adjusted(
            -MARGIN_PX * px, -MARGIN_PX * py, MARGIN_PX * px, MARGIN_PX * py
        )

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()  # the pixel margin is a different data size now

    def paint(self, painter: QPainter, *args) -> None:
        if not self._labels:
            return
        to_screen = painter.transform()
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        height = self._metrics.height()
        for label in self._labels:
            point = to_screen.map(QPointF(label.x, label.y))
            width = self._metrics.horizontalAdvance(label.text) + 2.0
            ax, ay = label.anchor
            rect = QRectF(point.x() - ax * width, point.y() - ay * height, width, height)
            painter.setPen(label.colour)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label.text)
        painter.restore()
