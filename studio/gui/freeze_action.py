"""Edit > Freeze layer (Ctrl+L) and the layer stack's context menu, for the selected card.

The action is checkable and follows the selected layer: checked when it is frozen,
disabled when it has no parameters or while a run trains.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QSignalBlocker, Qt
from PySide6.QtGui import QAction, QKeySequence

from studio.gui.models.architecture_model import FreezableRole, FrozenRole

SHORTCUT = "Ctrl+L"
"""L for lock; no other action uses it."""


class FreezeAction(QObject):
    """Owns ``actionFreezeLayer`` and keeps it in step with the selected card."""

    def __init__(self, document: Any, stack: Any, run: Callable[..., None], parent: Any) -> None:
        """``run(row, frozen)`` applies the edit (the window wraps it to report errors)."""
        super().__init__(parent)
        self._doc, self._stack, self._run = document, stack, run
        self.action = QAction(self.tr("&Freeze layer"), parent)
        self.action.setObjectName("actionFreezeLayer")
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setStatusTip(self.tr("Keep the selected layer's weights while training"))
        self.action.triggered.connect(self._on_triggered)
        stack.addAction(self.action)
        stack.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        stack.freezeRequested.connect(run)
        document.model.dataChanged.connect(self.sync)
        document.model.modelReset.connect(self.sync)
        stack.selectionModel().currentChanged.connect(self.sync)
        self.sync()

    def sync(self, *_: object) -> None:
        index = self._stack.currentIndex()
        freezable = index.isValid() and bool(index.data(FreezableRole))
        self.action.setEnabled(freezable and not self._doc.locked)
        with QSignalBlocker(self.action):
            self.action.setChecked(freezable and bool(index.data(FrozenRole)))

    def _on_triggered(self, checked: bool) -> None:
        row = self._stack.current_row()
        if row >= 0:
            self._run(row, checked)
        self.sync()
