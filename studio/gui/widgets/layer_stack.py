"""The layer stack: the network as a list of cards with shape, parameters and problems."""

from __future__ import annotations

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSignalBlocker,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeySequence, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)

from studio.gui import colours
from studio.gui.i18n import diagnostic_text
from studio.gui.models.architecture_model import (
    DiagnosticsRole,
    FreezableRole,
    FrozenNoteRole,
    FrozenRole,
    InitRole,
    ParamsRole,
    ShapeRole,
    SummaryRole,
    TypeRole,
)
from studio.gui.widgets.lock_icon import FROZEN_COLOUR, FROZEN_TINT, lock_icon

ERROR_COLOUR = QColor(colours.ERROR)
WARNING_COLOUR = QColor(colours.WARNING)


class LayerCardDelegate(QStyledItemDelegate):
    """Paints a layer as a card: index, block, key parameters, output shape, parameters.

    A frozen layer's card is tinted blue and its weights count says "frozen"; the lock
    toggle (an index widget of the view) sits in the room kept free on the right.
    """

    CARD_HEIGHT = 46
    MESSAGE_HEIGHT = 34
    TOGGLE_ROOM = 30
    """Kept free on the right of every card, so columns line up with or without a lock."""
    TOGGLE_SIZE = 24

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        diags = index.data(DiagnosticsRole) or ()
        extra = self.MESSAGE_HEIGHT if diags else 0
        return QSize(240, self.CARD_HEIGHT + extra + 4)  # the view stretches cards to its width

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> None:
        """The lock toggle: at the right edge of the card, level with its two text rows."""
        rect = option.rect.adjusted(4, 2, -4, -2)
        size = self.TOGGLE_SIZE
        top = rect.top() + (self.CARD_HEIGHT - size) // 2
        editor.setGeometry(QRect(rect.right() - size - 3, top, size, size))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(4, 2, -4, -2)
        self._paint_frame(painter, option, index, rect)
        self._paint_text(painter, option, index, rect)
        painter.restore()

    def _paint_frame(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex, rect: QRect
    ) -> None:
        from studio.core.registry import get_spec

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
        if index.data(FrozenRole):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(FROZEN_TINT)
            painter.drawRoundedRect(rect, 6, 6)
        stripe = QRect(rect.left(), rect.top(), 6, rect.height())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colours.category_colour(get_spec(index.data(TypeRole)).category))
        painter.drawRoundedRect(stripe, 3, 3)

    def _paint_text(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex, rect: QRect
    ) -> None:
        """Row one: index, block, frozen note, output shape. Row two: key parameters and
        the weights count (blue when frozen). Then the first problem, if any."""
        palette = option.palette
        muted = palette.placeholderText().color()
        metrics = painter.fontMetrics()
        x = rect.left() + 14
        top = rect.top() + 4
        right = rect.right() - self.TOGGLE_ROOM
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        align_right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.setPen(muted)
        painter.drawText(QRect(x, top, 28, 20), left, str(index.row()))
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(palette.text().color())
        block_type = index.data(TypeRole)
        type_width = painter.fontMetrics().horizontalAdvance(block_type) + 10
        painter.drawText(QRect(x + 28, top, type_width, 20), left, block_type)
        painter.setFont(option.font)
        shape = f"→ {index.data(ShapeRole)}"
        shape_width = metrics.horizontalAdvance(shape) + 6
        painter.drawText(QRect(right - shape_width, top, shape_width, 20), align_right, shape)
        frozen = bool(index.data(FrozenRole))
        note_left = x + 28 + type_width
        if index.data(InitRole):
            self._paint_init_tag(painter, note_left - 4, top)
            note_left += 36
        note_room = max(0, right - shape_width - note_left - 8)
        note = metrics.elidedText(
            index.data(FrozenNoteRole) or "", Qt.TextElideMode.ElideRight, note_room
        )
        painter.setPen(FROZEN_COLOUR)
        painter.drawText(QRect(note_left, top, note_room, 20), left, note)
        params = index.data(ParamsRole) or 0
        weights = self.tr("{count} params").format(count=f"{params:,}") if params else ""
        width = metrics.horizontalAdvance(weights) + 6 if weights else 0
        painter.setPen(FROZEN_COLOUR if frozen else muted)
        painter.drawText(QRect(right - width, top + 20, width, 18), align_right, weights)
        painter.setPen(muted)
        room = max(0, right - width - (x + 28) - 8)
        summary = metrics.elidedText(
            index.data(SummaryRole) or "", Qt.TextElideMode.ElideRight, room
        )
        painter.drawText(QRect(x + 28, top + 20, room, 18), left, summary)
        self._paint_problem(painter, index, rect, x, top)

    def _paint_problem(
        self, painter: QPainter, index: QModelIndex, rect: QRect, x: int, top: int
    ) -> None:
        diags = index.data(DiagnosticsRole) or ()
        if diags:
            first = diags[0]
            painter.setPen(ERROR_COLOUR if first.severity == "error" else WARNING_COLOUR)
            painter.drawText(
                QRect(x, top + 40, rect.width() - 24, self.MESSAGE_HEIGHT),
                Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignTop,
                ("⚠ " if first.severity == "warning" else "✖ ") + diagnostic_text(first),
            )

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


class FreezeToggle(QToolButton):
    """The lock on a card: checked means the layer's weights are frozen."""

    def __init__(self, index: QModelIndex, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("freezeToggle")
        self.setCheckable(True)
        self.setAutoRaise(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the stack keeps the keyboard (Ctrl+L)
        self.setIcon(lock_icon(FROZEN_COLOUR, self.palette().placeholderText().color()))
        self.setIconSize(QSize(16, 16))
        self.index = QPersistentModelIndex(index)

    def show_state(self, frozen: bool) -> None:
        with QSignalBlocker(self):
            self.setChecked(frozen)
        row = self.index.row()
        if frozen:
            self.setToolTip(self.tr("Frozen: these weights do not train. Click to unfreeze."))
            self.setAccessibleName(self.tr("Unfreeze layer {index}").format(index=row))
        else:
            self.setToolTip(self.tr("Click to freeze: keep these weights while training."))
            self.setAccessibleName(self.tr("Freeze layer {index}").format(index=row))


class LayerStackView(QListView):
    """Cards in order; drag to reorder, Delete removes, Ctrl+D duplicates, the lock freezes."""

    deleteRequested = Signal(int)
    freezeRequested = Signal(int, bool)
    """A card's lock was clicked: (row, frozen). The window turns it into an undo command."""

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
        self._toggles_enabled = True

    # --- the lock toggles: one index widget per card of a layer with parameters ---------

    def setModel(self, model) -> None:
        old = self.model()
        if old is not None:
            for signal in (old.dataChanged, old.modelReset, old.rowsInserted):
                signal.disconnect(self.sync_toggles)
        super().setModel(model)
        if model is not None:
            for signal in (model.dataChanged, model.modelReset, model.rowsInserted):
                signal.connect(self.sync_toggles)
        self.sync_toggles()

    def sync_toggles(self, *_: object) -> None:
        """A toggle on every card whose layer has parameters, showing its frozen state."""
        model = self.model()
        if model is None:
            return
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            toggle = self.indexWidget(index)
            if not index.data(FreezableRole):
                if toggle is not None:
                    self.setIndexWidget(index, None)
                continue
            if not isinstance(toggle, FreezeToggle):
                toggle = FreezeToggle(index)
                toggle.clicked.connect(lambda checked, t=toggle: self._on_toggle(t, checked))
                self.setIndexWidget(index, toggle)
            toggle.setEnabled(self._toggles_enabled)
            toggle.show_state(bool(index.data(FrozenRole)))

    def toggles(self) -> list[FreezeToggle]:
        """The lock toggles, in card order."""
        found = [w for w in self.viewport().findChildren(FreezeToggle) if w.index.isValid()]
        return sorted(found, key=lambda t: t.index.row())

    def toggle_at(self, row: int) -> FreezeToggle | None:
        model = self.model()
        widget = self.indexWidget(model.index(row, 0)) if model is not None else None
        return widget if isinstance(widget, FreezeToggle) else None

    def set_toggles_enabled(self, enabled: bool) -> None:
        """While a run trains, the locks cannot change."""
        self._toggles_enabled = enabled
        self.sync_toggles()

    def _on_toggle(self, toggle: FreezeToggle, checked: bool) -> None:
        if toggle.index.isValid():
            self.freezeRequested.emit(toggle.index.row(), checked)
        self.sync_toggles()  # a refused edit shows the state as it is

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
