"""A small canvas to draw a digit with the mouse, turned into an MNIST-like image.

MNIST digits are white on black, fitted into a 20×20 box and centred by their
centre of mass in 28×28; drawn digits get the same treatment, or the network
would see something unlike anything it was trained on.
"""

from __future__ import annotations

import itertools

import numpy as np
from PySide6.QtCore import QPointF, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.gui.plots.imaging import qimage_to_array, to_qimage

CANVAS_PIXELS = 280
PEN_WIDTH = 22
DIGIT_BOX = 20 / 28


def centre_digit(gray: np.ndarray, height: int, width: int, threshold: int = 0) -> np.ndarray:
    """Crop the strokes, fit them into a box of 20/28 of the size and centre them by mass."""
    ys, xs = np.nonzero(gray > threshold)
    result = np.zeros((height, width), dtype=np.uint8)
    if ys.size == 0:
        return result
    crop = np.ascontiguousarray(gray[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1])
    box = max(1, round(min(height, width) * DIGIT_BOX))
    scale = box / max(crop.shape)
    new_w = max(1, round(crop.shape[1] * scale))
    new_h = max(1, round(crop.shape[0] * scale))
    scaled_image = to_qimage(crop).scaled(
        new_w,
        new_h,
        Qt.AspectRatioMode.IgnoreAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    scaled = qimage_to_array(scaled_image, gray=True)
    mass = scaled.astype(np.float64)
    total = mass.sum()
    if total > 0:
        cy = (mass.sum(axis=1) * np.arange(new_h)).sum() / total
        cx = (mass.sum(axis=0) * np.arange(new_w)).sum() / total
    else:
        cy, cx = new_h / 2, new_w / 2
    top = int(np.clip(round(height / 2 - cy), 0, height - new_h))
    left = int(np.clip(round(width / 2 - cx), 0, width - new_w))
    result[top : top + new_h, left : left + new_w] = scaled
    return result


class DrawCanvas(QWidget):
    drawn = Signal()
    """A stroke ended (or the canvas was cleared)."""

    def __init__(self, display_size: int = 196, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawCanvas")
        self.setAccessibleName(self.tr("Drawing area: draw a digit with the mouse"))
        self.setToolTip(self.tr("Draw a digit with the mouse, large and centred."))
        self.setFixedSize(display_size, display_size)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._image = QImage(CANVAS_PIXELS, CANVAS_PIXELS, QImage.Format.Format_Grayscale8)
        self._image.fill(QColor("black"))
        self._last: QPointF | None = None

    def is_empty(self) -> bool:
        return not qimage_to_array(self._image, gray=True).any()

    def clear(self) -> None:
        self._image.fill(QColor("black"))
        self.update()
        self.drawn.emit()

    def stroke(self, points: list[tuple[float, float]]) -> None:
        """Draw a line through points given in 0..1 canvas coordinates (tests, scripted demos)."""
        scaled = [QPointF(x * CANVAS_PIXELS, y * CANVAS_PIXELS) for x, y in points]
        for start, end in itertools.pairwise(scaled):
            self._line(start, end)
        if len(scaled) == 1:
            self._line(scaled[0], scaled[0])
        self.update()
        self.drawn.emit()

    def to_array(self, height: int, width: int) -> np.ndarray:
        """The drawing as a uint8 (height, width) image, white strokes on black, MNIST-style."""
        return centre_digit(qimage_to_array(self._image, gray=True), height, width)

    def _line(self, start: QPointF, end: QPointF) -> None:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(
            QPen(
                QColor("white"),
                PEN_WIDTH,
                Qt.PenStyle.SolidLine,
                Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin,
            )
        )
        painter.drawLine(start, end)
        painter.end()

    def _to_canvas(self, pos: QPointF) -> QPointF:
        return QPointF(
            pos.x() * CANVAS_PIXELS / self.width(), pos.y() * CANVAS_PIXELS / self.height()
        )

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._last = self._to_canvas(event.position())
            self._line(self._last, self._last)
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._last is not None and event.buttons() & Qt.MouseButton.LeftButton:
            point = self._to_canvas(event.position())
            self._line(self._last, point)
            self._last = point
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._last is not None and event.button() == Qt.MouseButton.LeftButton:
            self._last = None
            self.drawn.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRect(0, 0, self.width(), self.height()), self._image)
        painter.setPen(QPen(QColor("#707070"), 1))
        painter.drawRect(0, 0, self.width() - 1, self.height() - 1)
        painter.end()
