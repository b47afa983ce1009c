"""The first rows of a CSV table under the dataset choice, with a line saying what they become."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from studio.core.table_preview import TablePreview

MAX_COLUMNS_SHOWN = 12
"""A wider table shows the target and its first features; the summary counts them all."""
TARGET_TINT = QColor(255, 165, 40, 60)


class TablePreviewView(QTableWidget):
    """A read-only grid of the header and first rows; the target column is tinted."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetTable")
        self.setAccessibleName(self.tr("First rows of the table"))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 4)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hide()

    def show_preview(self, preview: TablePreview) -> None:
        columns = _shown_columns(preview)
        self.clear()
        self.setColumnCount(len(columns))
        self.setRowCount(len(preview.rows))
        target = preview.target or (preview.columns[-1] if preview.columns else "")
        bold = QFont(self.font())
        bold.setBold(True)
        for col, index in enumerate(columns):
            name = preview.columns[index]
            header = QTableWidgetItem(name)
            if name == target:
                header.setFont(bold)
                header.setToolTip(self.tr("The target column"))
            self.setHorizontalHeaderItem(col, header)
            for row, cells in enumerate(preview.rows):
                item = QTableWidgetItem(cells[index] if index < len(cells) else "")
                if name == target:
                    item.setBackground(QBrush(TARGET_TINT))
                self.setItem(row, col, item)
        height = self.horizontalHeader().sizeHint().height()
        height += self.verticalHeader().defaultSectionSize() * len(preview.rows)
        height += self.horizontalScrollBar().sizeHint().height() + 2 * self.frameWidth()
        self.setFixedHeight(height)
        self.show()

    def summary(self, preview: TablePreview) -> str:
        """One line: task and target, features, rows (and skipped rows)."""
        if not preview.task:
            return self.tr("{count} columns: {names}").format(
                count=len(preview.columns), names=", ".join(preview.columns[:8])
            )
        if preview.task == "regression":
            text = self.tr("Regression on {target}").format(target=preview.target)
        else:
            text = self.tr("Classification of {target} into {count} classes").format(
                target=preview.target, count=len(preview.classes)
            )
        text += " · " + self.tr("{count} features").format(count=len(preview.features))
        text += " · " + self.tr("{count} rows").format(count=f"{preview.row_count:,}")
        if preview.skipped:
            text += " " + self.tr("({count} skipped for missing values)").format(
                count=f"{preview.skipped:,}"
            )
        return text


def _shown_columns(preview: TablePreview) -> list[int]:
    """Indices of the columns to show: the target first (it may be far right), then the
    features in file order, at most ``MAX_COLUMNS_SHOWN`` in all."""
    count = len(preview.columns)
    if preview.target in preview.columns:
        target = preview.columns.index(preview.target)
    else:
        target = count - 1  # no target known yet: the default is the last column
    rest = [index for index in range(count) if index != target]
    return [target, *rest][:MAX_COLUMNS_SHOWN]
