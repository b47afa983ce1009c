"""A padlock drawn with QPainter, closed or open, so it never depends on an emoji font."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

FROZEN_COLOUR = QColor("#2f6fb0")
"""Cold blue: frozen weights, on the lock, the card's tint and its weights count."""
FROZEN_TINT = QColor(47, 111, 176, 28)


def paint_lock(painter: QPainter, rect: QRectF, locked: bool, colour: QColor) -> None:
    """A padlock filling ``rect``: the body in the lower half, the shackle above it
    (lifted and open on the right when unlocked)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    w, h = rect.width(), rect.height()
    body = QRectF(rect.left() + 0.18 * w, rect.top() + 0.45 * h, 0.64 * w, 0.5 * h)
    pen = QPen(colour, max(1.5, 0.1 * w))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    lift = 0.0 if locked else 0.12 * h
    shackle = QRectF(rect.left() + 0.3 * w, rect.top() + 0.16 * h - lift, 0.4 * w, 0.5 * h)
    path = QPainterPath()
    path.moveTo(shackle.left(), body.top())
    path.lineTo(shackle.left(), shackle.center().y())
    path.arcTo(shackle, 180, -180)
    if locked:
        path.lineTo(shackle.right(), body.top())
    painter.drawPath(path)
    painter.setBrush(colour if locked else Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(body, 0.08 * w, 0.08 * w)
    painter.restore()


def lock_icon(colour: QColor, open_colour: QColor, size: int = 32) -> QIcon:
    """A checkable button's icon: a closed padlock in ``colour`` when on, an open one in
    the quieter ``open_colour`` when off (most layers train: their locks stay in the back)."""
    icon = QIcon()
    for locked, state in ((True, QIcon.State.On), (False, QIcon.State.Off)):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        paint_lock(painter, QRectF(0, 0, size, size), locked, colour if locked else open_colour)
        painter.end()
        icon.addPixmap(pixmap, QIcon.Mode.Normal, state)
    return icon
