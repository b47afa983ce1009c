"""Choosing a CSV table in the Training panel: the file, its target column, the input shape.

The file dialog picks the table; its header (read by the dataset preview, off the
GUI thread) fills the target-column choice; and once the table's features are
known, the architecture's input shape becomes (number of features,) through an
ordinary undo command, with a sentence in the status bar saying so and how to undo.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

from studio.core.table_preview import TablePreview
from studio.gui.widgets.property_editor import signals_blocked

TABLE = "csv"


def shape_text(shape: tuple[int, ...]) -> str:
    """``(20,)`` or ``(1, 28, 28)``, as Python writes a shape."""
    return "(" + ", ".join(str(n) for n in shape) + (",)" if len(shape) == 1 else ")")


class TableChoice(QObject):
    """The CSV side of the dataset row; the panel owns the widgets, this owns the steps."""

    statusMessage = Signal(str)

    def __init__(self, document, target_combo: QComboBox, parent: QWidget) -> None:
        super().__init__(parent)
        self._doc = document
        self._parent = parent
        self._combo = target_combo
        self._columns: list[str] = []
        self._offer_shape = False
        """Set by a choice of the person (file or target); the next table preview answers it."""
        target_combo.activated.connect(self._on_target_activated)

    def choose_file(self) -> None:
        start = str(Path(self._doc.project.dataset.path).parent) if self._is_table() else ""
        path, _ = QFileDialog.getOpenFileName(
            self._parent,
            self.tr("Choose a CSV table (one header row, one column to predict)"),
            start,
            self.tr("CSV tables (*.csv *.tsv *.txt);;All files (*)"),
        )
        if path:
            self.use_file(path)

    def use_file(self, path: str) -> None:
        """Train on the table at ``path`` (one undo step); its target starts as the last column."""
        doc = self._doc
        doc.undo_stack.beginMacro(self.tr("Use CSV table"))
        doc.set_setting("dataset", "path", path)
        doc.set_setting("dataset", "name", TABLE)
        doc.set_setting("dataset", "target", "")
        doc.undo_stack.endMacro()
        self._offer_shape = True

    def has_file(self) -> bool:
        dataset = self._doc.project.dataset
        return bool(dataset.path) and Path(dataset.path).is_file()

    def _is_table(self) -> bool:
        return self._doc.project.dataset.name == TABLE and bool(self._doc.project.dataset.path)

    # --- the target column ----------------------------------------------------------

    def show_target(self, target: str) -> None:
        """Select ``target`` among the columns ('' means the last one); signals blocked."""
        with signals_blocked(self._combo):
            if target and self._combo.findData(target) < 0:
                self._combo.addItem(target, target)  # not in this header: shown as it is
            index = self._combo.findData(target) if target else self._combo.count() - 1
            self._combo.setCurrentIndex(index)

    def _fill_columns(self, columns: list[str]) -> None:
        if columns == self._columns and self._combo.count() == len(columns):
            return
        self._columns = list(columns)
        with signals_blocked(self._combo):
            self._combo.clear()
            for name in columns:
                self._combo.addItem(name, name)
        self.show_target(self._doc.project.dataset.target)

    def _on_target_activated(self) -> None:
        self._offer_shape = True

    # --- the preview's answer -------------------------------------------------------

    def on_table(self, preview: TablePreview) -> None:
        """The table's header and features are known: fill the choice, offer the shape."""
        self._fill_columns(preview.columns)
        if self._offer_shape and preview.input_shape is not None:
            self._offer_shape = False
            self._apply_input_shape(preview.input_shape, preview)

    def _apply_input_shape(self, shape: tuple[int, ...], preview: TablePreview) -> None:
        old = tuple(self._doc.architecture.input_shape)
        count = shape[0]
        if old == tuple(shape):
            text = self.tr("The input shape {shape} already fits the table's {count} features.")
            self.statusMessage.emit(text.format(shape=shape_text(shape), count=count))
            return
        if self._doc.locked:
            return
        self._doc.set_input_shape(tuple(shape))
        self.statusMessage.emit(
            self.tr(
                "The input shape is now {shape}, one value per feature of the table "
                "({count}). Undo (Ctrl+Z) puts back {old}."
            ).format(shape=shape_text(shape), count=count, old=shape_text(old))
        )
