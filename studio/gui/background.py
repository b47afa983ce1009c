"""Loads torch off the GUI thread so the window paints before torch has finished importing."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal


class TorchLoader(QObject):
    """Imports torch and the data layer in a thread; ``ready`` arrives on the GUI thread."""

    ready = Signal()

    def start(self) -> None:
        threading.Thread(target=self._load, name="torch-import", daemon=True).start()

    def _load(self) -> None:
        import torch  # noqa: F401

        import studio.core.data  # noqa: F401

        self.ready.emit()
