"""The layer stack: the network as a list of cards with shape, parameters and problems."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from studio.gui import colours
from studio.gui.i18n import diagnostic_text
from studio.gui.models.architecture_model import (
    DiagnosticsRole,
    InitRole,
    ParamsRole,
    ShapeRole,
    SummaryRole,
    TypeRole,
)

ERROR_COLOUR = QColor(colours.ERROR)
WARNING_COLOUR = QColor(colours.WARNING)


class LayerCardDelegate(QStyledItemDelegate):
    """Paints a layer as a card: index, block, key parameters, output shape, parameters."""

    CARD_HEIGHT = 46
    MESSAGE_HEIGHT = 34

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        diags = index.data(DiagnosticsRole) or ()
        extra = self.MESSAGE_HEIGHT if diags else 0
        return QSize(240, self.CARD_HEIGHT + extra + 4)  # the view stretches cards to its width

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        from studio.core.registry import get_spec

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(4, 2, -4, -2)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        diags = index.data(DiagnosticsRole) or ()
        has_error = any(d.severity == "error" for d in diags)
        has_warning = bool(diags) and not has_error
        base = palette.highlight().color().lighter(170) if selected else palette.base().color()
        painter.setBrush(base)
        border = (
            ERROR_COLOUR if has_error else WARNING_COLOUR if has_warning else palette.mid().color()
        )
        painter.setPen(QPen(border, 2 if (has_error or has_warning) else 1))
        painter.drawRoundedRect(rect, 6, 6)

        block_type = index.data(TypeRole)
        stripe = QRect(rect.left(), rect.top(), 6, rect.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colours.category_colour(get_spec(block_type).category))
        painter.drawRoundedRect(stripe, 3, 3)

        text_colour = palette.text().color()
        muted = palette.placeholderText().color()
        font = QFont(option.font)
        x = rect.left() + 14
        top = rect.top() + 4
        painter.setPen(muted)
        painter.drawText(QRect(x, top, 28, 20), Qt.AlignmentFlag.AlignVCenter, str(index.row()))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text_colour)
        painter.drawText(QRect(x + 28, top, 160, 20), Qt.AlignmentFlag.AlignVCenter, block_type)
        if index.data(InitRole):
            self._paint_init_tag(
                painter, x + 34 + painter.fontMetrics().horizontalAdvance(block_type), top
            )
        font.setBold(False)
        painter.setFont(font)
        shape = index.data(ShapeRole)
        params = index.data(ParamsRole) or 0
        right = QRect(rect.right() - 150, top, 144, 20)
        painter.drawText(
            right, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"→ {shape}"
        )
        painter.setPen(muted)
        summary = index.data(SummaryRole) or ""
        room = rect.width() - 170
        elided = painter.fontMetrics().elidedText(summary, Qt.TextElideMode.ElideRight, room)
        painter.drawText(QRect(x + 28, top + 20, room, 18), Qt.AlignmentFlag.AlignVCenter, elided)
        painter.drawText(
            QRect(rect.right() - 120, top + 20, 114, 18),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            self.tr("{count} params").format(count=f"{params:,}") if params else "",
        )
        if diags:
            first = diags[0]
            painter.setPen(ERROR_COLOUR if first.severity == "error" else WARNING_COLOUR)
            painter.drawText(
                QRect(x, top + 40, rect.width() - 24, self.MESSAGE_HEIGHT),
                Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop,
                ("⚠ " if first.severity == "warning" else "✖ ") + diagnostic_text(first),
            )
        painter.restore()

    def _paint_init_tag(self, painter: QPainter, left: int, top: int) -> None:
        """A small "init" tag beside the block name: the layer has its own initialisation."""
        painter.save()
        font = QFont(painter.font())
        font.setBold(False)
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        text = self.tr("init")
        rect = QRect(left, top + 3, painter.fontMetrics().horizontalAdvance(text) + 8, 14)
        painter.setPen(QPen(QColor(colours.INIT_TAG), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(rect, 4, 4)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()


class LayerStackView(QListView):
    """Cards in order; drag to reorder, Delete removes, Ctrl+D duplicates."""

    deleteRequested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("layerStack")
        self.setAccessibleName(self.tr("Layer stack"))
        self.setItemDelegate(LayerCardDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setSpacing(1)
        self.setUniformItemSizes(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setResizeMode(QListView.ResizeMode.Adjust)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().placeholderText().color())
            painter.drawText(
                self.viewport().rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.tr("Drag a block here, or double-click one."),
            )

    def current_row(self) -> int:
        index = self.currentIndex()
        return index.row() if index.isValid() else -1

    def keyPressEvent(self, event) -> None:
        row = self.current_row()
        if row >= 0 and event.matches(QKeySequence.StandardKey.Delete):
            self.deleteRequested.emit(row)
            return
        if row >= 0 and event.key() == Qt.Key.Key_Backspace:
            self.deleteRequested.emit(row)
            return
        super().keyPressEvent(event)
