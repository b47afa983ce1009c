"""Loads torch off the GUI thread so the window paints before torch has finished importing.

One import per process, shared by every window: ``torch_loader()`` is the process-wide
loader, windows subscribe with ``when_ready`` (a window made after the import finished
hears at once) and ask for the start with ``start_after_first_paint``.

Why no application-wide event filter: a Python filter on the QApplication sees every
event of every object, so PySide builds a Python wrapper (and lazily its Python type)
for each object that receives one, such as QDockWidget's private layout and title
buttons while a dock is constructed. That re-entrant lazy type creation inside event
delivery is fragile (it has crashed other PySide6 programs, TimeLineAnnotator/desktop
PR 586) and is the suspected cause of a hang seen once here: a second window stuck in
QDockWidget construction while the torch-import thread ran. The loader now filters
only the window it waits for, whose wrapper exists already, and sees no other events.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

from studio.gui.gui_gc import freeze_start_up

log = logging.getLogger(__name__)


PAINT_WAIT_MS = 1000
"""The longest the import waits for a first paint (a window never shown, as in tests)."""


class TorchLoader(QObject):
    """Imports torch and the data layer and starts the training processes' server
    (``warm_up``) in a thread; ``ready`` arrives on the GUI thread once all of it is done.

    The import starts after a window's first paint: it holds the GIL for long
    stretches (``torch._C`` alone ~0.2 s), so started earlier it delays the first
    paint by ~0.5 s; started after it, the window shows in ~0.6 s and torch follows.
    """

    ready = Signal()
    _imported = Signal()
    """Emitted by the import thread; queued to the GUI thread, which then emits ``ready``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._started = False
        self._done = False
        self._watched: list[QObject] = []
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.timeout.connect(self._start_now)
        self._imported.connect(self._on_imported, Qt.ConnectionType.QueuedConnection)

    @property
    def is_ready(self) -> bool:
        return self._done

    @property
    def started(self) -> bool:
        return self._started

    def when_ready(self, slot: Callable[[], None]) -> None:
        """Call ``slot`` on the GUI thread once torch is imported: now, if it already is."""
        if self._done:
            slot()
        else:
            self.ready.connect(slot)

    def start_after_first_paint(self, window: QObject | None = None) -> None:
        """Begin the import after ``window`` first paints, or after ``PAINT_WAIT_MS``; once."""
        if self._started:
            return
        if QCoreApplication.instance() is None:
            self._start_now()
            return
        if window is not None and window not in self._watched:
            window.installEventFilter(self)  # this window's own events only
            window.destroyed.connect(self._forget)
            self._watched.append(window)
        if not self._fallback.isActive():
            self._fallback.start(PAINT_WAIT_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._started:
            QTimer.singleShot(0, self, self._start_now)  # after this paint pass completes
        return False

    def _forget(self, window: QObject | None = None) -> None:
        self._watched = [w for w in self._watched if w is not window]

    def _start_now(self) -> None:
        self._fallback.stop()
        for window in self._watched:
            if shiboken6.isValid(window):
                window.removeEventFilter(self)
        self._watched.clear()
        if self._started:
            return
        self._started = True
        # Not a daemon: a program closed within seconds of opening waits for the import to
        # end instead of finalizing under it (that aborted the process, issue #18).
        threading.Thread(target=self._load, name="torch-import", daemon=False).start()

    def _load(self) -> None:
        try:
            import torch  # noqa: F401

            import studio.core.data  # noqa: F401
        except Exception:  # the window closed mid-import: the interpreter is shutting down
            if sys.is_finalizing() or not threading.main_thread().is_alive():
                return
            log.exception("torch could not be imported")
            raise
        # The training path too (torch._dynamo, the trainer): warmed after ``ready``, its
        # imports held the GIL in stretches that stalled a first run's window 150-250 ms.
        from studio.gui.warm_up import warm_up_here

        warm_up_here()
        self._imported.emit()

    def _on_imported(self) -> None:
        if self._done:
            return
        keep_this_thread_single_threaded()  # before anyone else hears ``ready``
        freeze_start_up()  # torch's objects: never walked by a collection again
        self._done = True
        self.ready.emit()


_loader: TorchLoader | None = None


def torch_loader() -> TorchLoader:
    """The process-wide loader, created on first use (on the GUI thread)."""
    global _loader
    if _loader is None:
        _loader = TorchLoader()
    return _loader


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
