"""A list model over the core ``Architecture``: one row per layer.

It listens to the architecture's events and translates them into
``beginInsertRows``/``endInsertRows`` and friends (napari's pattern), and keeps
the latest shape report so every view shows the same shapes and problems. Drops
are not applied here: they are turned into requests that the document executes
as undo commands.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from studio.core import events
from studio.core.architecture import Architecture
from studio.core.registry import format_shape, get_spec
from studio.core.shapes import Report, analyse
from studio.gui.i18n import block_text, diagnostic_text

LAYER_MIME = "application/x-sequential-studio-layer"
BLOCK_MIME = "application/x-sequential-studio-block"

TypeRole = Qt.ItemDataRole.UserRole + 1
ShapeRole = Qt.ItemDataRole.UserRole + 2
ParamsRole = Qt.ItemDataRole.UserRole + 3
DiagnosticsRole = Qt.ItemDataRole.UserRole + 4
SummaryRole = Qt.ItemDataRole.UserRole + 5
UidRole = Qt.ItemDataRole.UserRole + 6
FrozenRole = Qt.ItemDataRole.UserRole + 7
"""Whether the layer's weights are frozen (``Block.frozen``)."""
FreezableRole = Qt.ItemDataRole.UserRole + 8
"""Whether the card offers a lock toggle: the layer has parameters (or is frozen already)."""
TrainableRole = Qt.ItemDataRole.UserRole + 9
"""How many of the layer's parameters train."""
FrozenNoteRole = Qt.ItemDataRole.UserRole + 10
"""A few words on the frozen state for the card ("frozen", "last 2 stages train"), or ""."""
InitRole = Qt.ItemDataRole.UserRole + 20
"""The layer's own initialisation in a few words, or "" when it follows the project."""

AnyIndex = QModelIndex | QPersistentModelIndex


def block_summary(block: Any) -> str:
    """The key parameters of a block in a few words, e.g. ``6 ch · 5×5 · pad 2``.

    Each parameter's card label comes from the registry (``ParamSpec.short``).
    """
    spec = get_spec(block.type)
    parts = []
    for name in spec.key_params:
        pspec = spec.param(name)
        value = block.params.get(name)
        if value is None or (value == pspec.torch_default and not pspec.shown_at_default):
            continue
        text = block_text(pspec.short) if pspec.short else f"{name}={{v}}"
        parts.append(text.format(v=value))
    return " · ".join(parts)


_BEFORE = (events.Inserting, events.Removing, events.Moving, events.Resetting)
"""Events before a change: the report is refreshed after it."""


class ArchitectureModel(QAbstractListModel):
    """Rows are layers; roles give shapes, parameter counts and diagnostics."""

    reportChanged = Signal()
    moveRequested = Signal(int, int)
    insertRequested = Signal(int, str)

    def __init__(self, architecture: Architecture, parent: Any = None) -> None:
        super().__init__(parent)
        self._arch = architecture
        self._loss: str | None = "auto"
        self._num_classes: int | None = None
        self._task = "classification"
        self._report: Report = analyse(architecture, self._loss, self._num_classes)
        architecture.subscribe(self._on_event)

    # --- the adapted object -------------------------------------------------------

    @property
    def architecture(self) -> Architecture:
        return self._arch

    @property
    def report(self) -> Report:
        return self._report

    def set_architecture(self, architecture: Architecture) -> None:
        self.beginResetModel()
        self._arch.unsubscribe(self._on_event)
        self._arch = architecture
        architecture.subscribe(self._on_event)
        self.endResetModel()
        self.refresh_report()

    def set_training_context(
        self, loss: str | None, num_classes: int | None, task: str = "classification"
    ) -> None:
        """The loss and class count (or a regression task) enable the training checks."""
        self._loss, self._num_classes, self._task = loss, num_classes, task
        self.refresh_report()

    def refresh_report(self) -> None:
        self._report = analyse(self._arch, self._loss, self._num_classes, task=self._task)
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))
        self.reportChanged.emit()

    def _on_event(self, event: events.ArchitectureEvent) -> None:
        """Turn the architecture's typed events into Qt's begin/end calls."""
        root = QModelIndex()
        match event:
            case events.Inserting(index=index):
                self.beginInsertRows(root, index, index)
            case events.Removing(index=index):
                self.beginRemoveRows(root, index, index)
            case events.Moving(source=src, destination=dst):
                # Qt counts the destination before the move: below the source it is one more.
                self.beginMoveRows(root, src, src, root, dst + 1 if dst > src else dst)
            case events.Resetting():
                self.beginResetModel()
            case events.Inserted():
                self.endInsertRows()
            case events.Removed():
                self.endRemoveRows()
            case events.Moved():
                self.endMoveRows()
            case events.Reset():
                self.endResetModel()
        if not isinstance(
            event, (events.Inserting, events.Removing, events.Moving, events.Resetting)
        ):
            self.refresh_report()

    # --- Qt model interface -------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._arch)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._arch):
            return None
        row = index.row()
        block = self._arch[row]
        layer = self._report.layers[row] if row < len(self._report.layers) else None
        if role == Qt.ItemDataRole.DisplayRole:
            summary = block_summary(block)
            return f"{block.type}({summary})" if summary else block.type
        if role == TypeRole:
            return block.type
        if role == SummaryRole:
            return block_summary(block)
        if role == ShapeRole:
            return format_shape(layer.output_shape) if layer and layer.output_shape else "?"
        if role == ParamsRole:
            return layer.params if layer else 0
        if role == DiagnosticsRole:
            return self._report.diagnostics_at(row)
        if role == UidRole:
            return block.uid
        if role in (FrozenRole, FreezableRole, TrainableRole, FrozenNoteRole):
            return self._frozen_data(row, role)
        if role == InitRole:
            return block.init.describe() if block.init else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            diags = self._report.diagnostics_at(row)
            text = block_text(get_spec(block.type).help)
            lines = [text]
            if block.init is not None:
                own = self.tr("Own initialisation: {init}")
                lines.append(own.format(init=block.init.describe()))
            return "\n".join([*lines, *(diagnostic_text(d) for d in diags)])
        if role == Qt.ItemDataRole.AccessibleTextRole:
            shape = format_shape(layer.output_shape) if layer and layer.output_shape else "?"
            from studio.gui.models.freezing import frozen_note

            note = frozen_note(block, layer)
            return f"{row} {block.type} {shape}" + (f", {note}" if note else "")
        return None

    def _frozen_data(self, row: int, role: int) -> Any:
        from studio.gui.models.freezing import frozen_note, trainable_params

        block = self._arch[row]
        layer = self._report.layers[row] if row < len(self._report.layers) else None
        params = layer.params if layer else 0
        if role == FrozenRole:
            return block.frozen
        if role == FreezableRole:
            return block.frozen or params > 0
        if role == TrainableRole:
            return trainable_params(block, layer)
        return frozen_note(block, layer)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = Qt.ItemFlag.ItemIsDropEnabled
        if not index.isValid():
            return base
        return (
            base
            | Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
        )

    # --- drag and drop: turned into requests, executed as undo commands -----------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction

    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME, BLOCK_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            mime.setData(LAYER_MIME, QByteArray(str(rows[0]).encode()))
        return mime

    def canDropMimeData(self, data, action, row, column, parent) -> bool:
        return data.hasFormat(LAYER_MIME) or data.hasFormat(BLOCK_MIME)

    def dropMimeData(self, data, action, row, column, parent) -> bool:
        if row < 0:
            row = parent.row() if parent.isValid() else len(self._arch)
        if data.hasFormat(BLOCK_MIME):
            self.insertRequested.emit(row, bytes(data.data(BLOCK_MIME).data()).decode())
            return True
        if data.hasFormat(LAYER_MIME):
            source = int(bytes(data.data(LAYER_MIME).data()).decode())
            destination = row - 1 if row > source else row
            if destination != source:
                self.moveRequested.emit(source, destination)
            return False  # the move is done by the command; the view must not remove rows
        return False
