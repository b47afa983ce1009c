"""The block palette: every registry block type, grouped, with its help as tooltip."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QMimeData, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem

from studio.core.registry import CATEGORIES, REGISTRY
from studio.gui.i18n import block_text
from studio.gui.models.architecture_model import BLOCK_MIME

TYPE_ROLE = Qt.ItemDataRole.UserRole + 1


class BlockPalette(QTreeWidget):
    """Double-click or drag a block onto the layer stack to add it."""

    blockActivated = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("blockPalette")
        self.setAccessibleName(self.tr("Block palette"))
        self.setHeaderHidden(True)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setRootIsDecorated(True)
        titles = {
            "convolution": self.tr("Convolution"),
            "pooling": self.tr("Pooling"),
            "activation": self.tr("Activation"),
            "linear": self.tr("Linear"),
            "normalization": self.tr("Normalisation"),
            "regularization": self.tr("Regularisation"),
            "reshape": self.tr("Reshape"),
            "output": self.tr("Output"),
            "pretrained": self.tr("Pretrained"),
        }
        for category, _ in CATEGORIES:
            group = QTreeWidgetItem(self, [titles[category]])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for spec in REGISTRY.values():
                if spec.category != category:
                    continue
                item = QTreeWidgetItem(group, [spec.type])
                item.setData(0, TYPE_ROLE, spec.type)
                item.setToolTip(0, block_text(spec.help))
                item.setFlags(
                    Qt.ItemFlag.ItemIsEnabled
                    | Qt.ItemFlag.ItemIsSelectable
                    | Qt.ItemFlag.ItemIsDragEnabled
                )
        self.expandAll()
        # Never narrower than the longest block name ("AdaptiveAvgPool2d", "ConvTranspose2d").
        self.setMinimumWidth(self.sizeHintForColumn(0) + 2 * self.frameWidth() + 6)
        # "activated" is a double-click, or Enter, or a single click where the platform
        # activates on one; itemDoubleClicked as well would add a double-clicked block twice.
        self.itemActivated.connect(self._on_activated)

    def _on_activated(self, item: QTreeWidgetItem, column: int = 0) -> None:
        block_type = item.data(0, TYPE_ROLE)
        if block_type:
            self.blockActivated.emit(block_type)

    def item_for(self, block_type: str) -> QTreeWidgetItem | None:
        for item in self.findItems(
            block_type, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive
        ):
            if item.data(0, TYPE_ROLE) == block_type:
                return item
        return None

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        mime = QMimeData()
        types = [i.data(0, TYPE_ROLE) for i in items if i.data(0, TYPE_ROLE)]
        if types:
            mime.setData(BLOCK_MIME, QByteArray(types[0].encode()))
        return mime

    def mimeTypes(self) -> list[str]:
        return [BLOCK_MIME]
