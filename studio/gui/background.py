"""Loads torch off the GUI thread so the window paints before torch has finished importing."""

from __future__ import annotations

import logging
import sys
import threading

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

log = logging.getLogger(__name__)


PAINT_WAIT_MS = 1000
"""The longest the import waits for a first paint (a window never shown, as in tests)."""


class TorchLoader(QObject):
    """Imports torch and the data layer in a thread; ``ready`` arrives on the GUI thread.

    ``start()`` waits for the application's first paint: the import holds the GIL for
    long stretches (``torch._C`` alone ~0.2 s), so started earlier it delays the first
    paint by ~0.5 s; started after it, the window shows in ~0.6 s and torch follows.
    """

    ready = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._started = False
        self._watching = False
        # Connected first, so it runs on the GUI thread before anyone else hears ``ready``.
        self.ready.connect(keep_this_thread_single_threaded)

    def start(self) -> None:
        """Begin the import after the first paint (or after ``PAINT_WAIT_MS``); once."""
        app = QCoreApplication.instance()
        if self._started or self._watching:
            return
        if app is None:
            self._start_now()
            return
        self._watching = True
        app.installEventFilter(self)
        QTimer.singleShot(PAINT_WAIT_MS, self, self._start_now)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, self, self._start_now)  # after this paint pass completes
        return False

    def _start_now(self) -> None:
        if self._watching:
            self._watching = False
            app = QCoreApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
        if self._started:
            return
        self._started = True
        threading.Thread(target=self._load, name="torch-import", daemon=True).start()

    def _load(self) -> None:
        try:
            import torch  # noqa: F401

            import studio.core.data  # noqa: F401
        except Exception:  # the window closed mid-import: the interpreter is shutting down
            if sys.is_finalizing() or not threading.main_thread().is_alive():
                return
            log.exception("torch could not be imported")
            raise
        self.ready.emit()


def keep_this_thread_single_threaded() -> None:
    """Give torch work on this (the GUI) thread one OpenMP thread.

    libgomp keeps a pool of worker threads for every thread that has run a parallel
    region, and once the pools hold more threads than there are cores it stops
    spin-waiting: a run on the training thread then goes about half as fast
    (measured: 7,000 instead of 14,000 samples/s on 2 cores). Predictions and probes
    on the GUI thread are small, so one thread costs them nothing. The setting is
    per thread; the trainer sets its own thread's count.
    """
    import torch

    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
