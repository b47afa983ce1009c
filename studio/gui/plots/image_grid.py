"""A grid of small labelled images (the prediction gallery, the images of a confusion cell)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.gui.plots.imaging import to_pixmap

WRONG = QColor("#d32f2f")
RIGHT = QColor("#388e3c")


@dataclass(frozen=True)
class Tile:
    image: np.ndarray
    """(H, W) or (H, W, 3) uint8."""
    caption: str
    tooltip: str = ""
    correct: bool | None = None
    index: int = -1
    """The validation index the tile shows."""


class ImageGrid(QListWidget):
    """Icons in rows that wrap with the width; captions coloured by right or wrong."""

    def __init__(self, icon_size: int = 72, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon_px = icon_size
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWrapping(True)
        self.setUniformItemSizes(True)
        self.setWordWrap(True)
        self.setSpacing(4)
        self.setIconSize(QSize(icon_size, icon_size))
        self.setGridSize(QSize(icon_size + 44, icon_size + 40))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def set_tiles(self, tiles: list[Tile]) -> None:
        self.setUpdatesEnabled(False)
        try:
            self.clear()
            for tile in tiles:
                item = QListWidgetItem(QIcon(to_pixmap(tile.image, self.icon_px)), tile.caption)
                item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                if tile.tooltip:
                    item.setToolTip(tile.tooltip)
                if tile.correct is not None:
                    item.setForeground(QBrush(RIGHT if tile.correct else WRONG))
                item.setData(Qt.ItemDataRole.UserRole, tile.index)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, tile.caption.replace("\n", ", "))
                self.addItem(item)
        finally:
            self.setUpdatesEnabled(True)

    def shown_indices(self) -> list[int]:
        return [int(self.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.count())]


class ImageGridDialog(QDialog):
    """A non-modal window listing some images, reused for every click."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confusionCellDialog")
        self.resize(620, 460)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.grid = ImageGrid(64)
        self.grid.setAccessibleName(self.tr("Images of this cell"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.grid, 1)
        layout.addWidget(buttons)

    def show_tiles(self, title: str, summary: str, tiles: list[Tile]) -> None:
        self.setWindowTitle(title)
        self.summary.setText(summary)
        self.grid.set_tiles(tiles)
        self.show()
        self.raise_()
