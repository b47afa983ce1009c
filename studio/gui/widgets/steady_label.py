"""A label whose text changes while training, sized so that a new text never moves anything."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class SteadyLabel(QLabel):
    """A word-wrapped label ``lines`` lines high, as wide as its layout makes it.

    A label that grows or shrinks with its text makes its layout move its neighbours,
    and a resized plot repaints in full: the dashboard's status line, updated four
    times a second, was resizing the loss plot each time. The whole text is also the
    tooltip, for the rare text longer than ``lines`` lines.
    """

    def __init__(self, text: str = "", lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        margins = self.contentsMargins()
        spacing = self.fontMetrics().lineSpacing()
        self.setFixedHeight(lines * spacing + margins.top() + margins.bottom() + 2)
        self.setText(text)

    def setText(self, text: str) -> None:
        super().setText(text)
        self.setToolTip(text)
