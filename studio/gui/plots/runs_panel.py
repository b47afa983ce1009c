"""The checkable list of the session's runs: show or hide each run's curves."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from studio.gui.plots import style
from studio.gui.plots.history import Run


def _swatch(colour: QColor) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(colour)
    return QIcon(pixmap)


class RunsPanel(QWidget):
    visibilityChanged = Signal(int, bool)
    """(run number, shown)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setObjectName("runsList")
        self.list.setAccessibleName(self.tr("Training runs: tick to show a run's curves"))
        self.list.setToolTip(
            self.tr(
                "Every run of this session. Tick a run to overlay its curves on the loss "
                "and accuracy plots."
            )
        )
        self.list.setWordWrap(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemChanged.connect(self._on_item_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)

    def sync(self, runs: list[Run], hidden: set[int]) -> None:
        self.list.blockSignals(True)
        try:
            while self.list.count() > len(runs):
                self.list.takeItem(self.list.count() - 1)
            for row, run in enumerate(runs):
                item = self.list.item(row)
                if item is None:
                    item = QListWidgetItem()
                    item.setFlags(
                        Qt.ItemFlag.ItemIsEnabled
                        | Qt.ItemFlag.ItemIsSelectable
                        | Qt.ItemFlag.ItemIsUserCheckable
                    )
                    self.list.addItem(item)
                current = row == len(runs) - 1
                item.setIcon(_swatch(style.TRAIN if current else style.run_colour(run.number)))
                item.setText(self._describe(run))
                item.setData(Qt.ItemDataRole.UserRole, run.number)
                state = Qt.CheckState.Unchecked if run.number in hidden else Qt.CheckState.Checked
                item.setCheckState(state)
        finally:
            self.list.blockSignals(False)

    def selected_run_index(self) -> int:
        """The list row selected, or -1 (the current run) when none is."""
        row = self.list.currentRow()
        return row if row >= 0 else -1

    def _describe(self, run: Run) -> str:
        text = self.tr("Run {number}").format(number=run.label)
        if run.epochs:
            count = len(run.epochs)
            epochs = self.tr(" · {epochs} epoch") if count == 1 else self.tr(" · {epochs} epochs")
            text += epochs.format(epochs=count)
            best = run.best
            if best is not None and run.is_regression:
                text += self.tr(" · lowest loss {value:.4g}").format(value=best.val_loss)
            elif best is not None:
                text += self.tr(" · best {value:.1f}\u00a0%").format(value=100 * best.val_accuracy)
        if run.failed is not None:
            text += self.tr(" · failed")
        elif run.finished is not None and run.finished.reason == "stopped":
            text += self.tr(" · stopped")
        elif run.finished is None:
            text += self.tr(" · training")
        return text

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        number = int(item.data(Qt.ItemDataRole.UserRole))
        self.visibilityChanged.emit(number, item.checkState() == Qt.CheckState.Checked)
