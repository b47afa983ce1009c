"""A label whose text changes while training, placed so that a new text never moves anything
and never makes the window lay itself out again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class _Holder(QWidget):
    """A layout-less frame the label fills.

    ``QLabel.setText`` asks its parent's layout to lay out again (``updateGeometry``), and
    the request climbs to the main window, which then re-lays out and repaints its whole
    central area: measured at four times a second per label during training, a third of
    the window's GUI-thread time. A parent without a layout ends the climb here.
    """

    def __init__(self, label: QLabel, height: int, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._label = label
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(height)
        self.setAutoFillBackground(True)  # opaque: a new text repaints only the label

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._label.setGeometry(self.rect())


class SteadyLabel(QLabel):
    """A word-wrapped label ``lines`` lines high, as wide as its layout makes its ``holder``.

    Add ``holder`` (not the label) to a layout. A label that grows or shrinks with its
    text makes its layout move its neighbours, and a resized plot repaints in full; a
    label with a layout for a parent makes the whole window lay out again on every new
    text. The whole text is also the tooltip, for the rare text longer than ``lines``.
    """

    def __init__(self, text: str = "", lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        margins = self.contentsMargins()
        spacing = self.fontMetrics().lineSpacing()
        height = lines * spacing + margins.top() + margins.bottom() + 2
        self.holder = _Holder(self, height, parent)
        self.setParent(self.holder)
        self.setText(text)

    def setText(self, text: str) -> None:
        if text == self.text():
            return
        super().setText(text)
        self.setToolTip(text)
