"""Runs a training run from a QThread and hands its events to the GUI thread as signals.

The recipe is Mu's: a QObject moved to a QThread, ``started`` connected to ``run``,
``finished`` to ``quit`` and ``deleteLater``. The worker never touches a widget;
Stop, Pause and Resume go to the trainer directly, because the worker's own event
loop is busy inside ``run``. The trainer itself runs in a process of its own
(``core.training.process``), so this thread only relays its messages; with
``own_process=False`` it runs on this thread, as tests that stand in for it need.
"""

from __future__ import annotations

import atexit
import ctypes
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from studio.core.errors import StudioError
from studio.core.project import Project
from studio.core.training.events import (
    EpochEnded,
    TrainingFailed,
    TrainingFinished,
    TrainingStarted,
    Unfrozen,
)

log = logging.getLogger(__name__)


class TrainingWorker(QObject):
    """Builds a ``Trainer`` in the worker thread and runs it to the end."""

    event = Signal(object)
    snapshot = Signal(object)
    """A CPU copy of the model's state_dict after each epoch, for predictions on the GUI thread."""
    dataReady = Signal(object)
    """The loaded ``LoadedData``, sent once when the run starts (validation images, classes)."""
    modelReady = Signal(object)
    """The finished run as a ``ModelFile`` (best weights), for saving and exporting."""
    unfrozen = Signal(object)
    """Two-stage fine-tuning unfroze the frozen layers (an ``Unfrozen``), also sent as ``event``."""
    finished = Signal()

    def __init__(
        self,
        project: Project,
        threads: int | None = None,
        log_root: Path | None = None,
        processes: int = 1,
        own_process: bool = True,
    ) -> None:
        super().__init__()
        self._project = project.copy()
        self._own_process = own_process
        self._log_root = log_root
        self._processes = processes
        self._child: Any = None
        self._threads = threads
        self._trainer: Any = None
        self._lock = threading.Lock()
        self._stop_requested = False
        self._paused = False
        self._pending_probe: int | None = None

    @Slot()
    def run(self) -> None:
        try:
            if self._processes > 1:
                self._run_processes()
                return
            trainer = self._make_trainer()
            with self._lock:
                self._trainer = trainer
                if self._stop_requested:
                    trainer.stop()
                if self._paused:
                    trainer.pause()
                if self._pending_probe is not None:
                    trainer.request_feature_maps(self._pending_probe)
            trainer.run()
            model_file = trainer.result_file()
            if model_file is not None:
                self.modelReady.emit(model_file)
        except StudioError as error:
            log.info("training stopped: %s", error.message)
            self.event.emit(TrainingFailed(error.message, error.template, dict(error.args_map)))
            self.event.emit(TrainingFinished("failed", 0, None, None, 0.0))
        except Exception as error:  # a bug must not take the window down
            from studio.core.training.process import TrainingCrashed

            if isinstance(error, TrainingCrashed):
                log.error("training crashed in its process:\n%s", error.child_traceback)
                kind, text = error.kind, str(error)
            else:
                log.exception("training crashed")
                kind, text = type(error).__name__, str(error)
            message = (
                f"Training failed unexpectedly ({kind}: {text}). The details are in the log file."
            )
            self.event.emit(TrainingFailed(message))
            self.event.emit(TrainingFinished("failed", 0, None, None, 0.0))
        finally:
            self.finished.emit()

    def _make_trainer(self) -> Any:
        """The run in a process of its own (see ``core.training.process``), or on this
        thread when asked (``own_process=False``)."""
        from studio.core.training.process import TrainerProcess, window_trainer

        if self._own_process:
            trainer = TrainerProcess(self._project, self._threads, self._log_root)
            trainer.add_observer(self._forward)
            return trainer
        return window_trainer(self._project, self._threads, self._log_root, self._forward)

    def _run_processes(self) -> None:
        """``studio train --nproc N`` in a child; its saved run is replayed as events."""
        from studio.gui.multi_process import train_in_processes

        result = train_in_processes(self._project, self._processes, self._log_root, self._set_child)
        for event in result.events:
            self._emit(event)
        if result.model_file is not None:
            self.modelReady.emit(result.model_file)

    def _set_child(self, child: Any) -> None:
        with self._lock:
            self._child = child
            if self._stop_requested:
                child.interrupt()

    def _forward(self, event: Any) -> None:
        """Observer on the worker thread: pass the event on; copy weights at epoch ends."""
        if isinstance(event, TrainingStarted) and self._trainer is not None:
            self.dataReady.emit(self._trainer.data)
        self._emit(event)
        if isinstance(event, EpochEnded) and self._trainer is not None:
            self.snapshot.emit(self._trainer.state_dict())

    def _emit(self, event: Any) -> None:
        self.event.emit(event)
        if isinstance(event, Unfrozen):
            self.unfrozen.emit(event)

    # --- called from the GUI thread -------------------------------------------------

    def stop(self) -> None:
        with self._lock:
            self._stop_requested = True
            if self._trainer is not None:
                self._trainer.stop()
            if self._child is not None:
                self._child.interrupt()

    def kill(self) -> None:
        """End a run in its own process at once (the window closes and Stop was not
        enough in time); a run on this thread can only be asked to stop."""
        with self._lock:
            trainer = self._trainer
        if trainer is not None and hasattr(trainer, "kill"):
            trainer.kill()

    def set_paused(self, paused: bool) -> None:
        with self._lock:
            self._paused = paused
            if self._trainer is not None:
                (self._trainer.pause if paused else self._trainer.resume)()

    def request_feature_maps(self, probe_index: int) -> None:
        with self._lock:
            self._pending_probe = probe_index
            if self._trainer is not None:
                self._trainer.request_feature_maps(probe_index)


class TrainingController(QObject):
    """Owns the worker thread's life: start, pause, stop, and a clean shutdown."""

    started = Signal()
    event = Signal(object)
    snapshot = Signal(object)
    dataReady = Signal(object)
    modelReady = Signal(object)
    unfrozen = Signal(object)
    """The worker's ``unfrozen``, delivered on the GUI thread."""
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self.own_process = True
        """Train in a process of its own (``core.training.process``): the views never wait
        for the training loop's GIL. False trains on a thread of this process."""

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(
        self,
        project: Project,
        log_root: Path | None = None,
        processes: int = 1,
    ) -> None:
        """Train on the worker thread; with ``log_root``, log a TensorBoard run in it."""
        if self.running:
            return
        import os

        # Every core, as the command line uses: measured on 2 cores, keeping one for the
        # window cost a quarter of the speed, while with both the GUI thread's 10 ms timer
        # stayed under 20 ms late at p99 (benchmarks: views, responsiveness).
        threads = os.cpu_count() or 1
        thread = QThread(self)
        thread.setObjectName("trainingThread")
        worker = TrainingWorker(project, threads, log_root, processes, self.own_process)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.event.connect(self.event)
        worker.snapshot.connect(self.snapshot)
        worker.modelReady.connect(self.modelReady)
        worker.dataReady.connect(self.dataReady)
        worker.unfrozen.connect(self.unfrozen)  # queued: the worker lives on its own thread
        # Direct: QThread.quit is thread-safe, and the thread must end even when the GUI
        # thread's event loop no longer runs (a window closed while data was loading).
        worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
        worker.finished.connect(worker.deleteLater)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        thread.start()
        self.started.emit()

    def _on_thread_finished(self) -> None:
        if self._thread is None:
            return
        thread = self._thread
        self._thread = self._worker = None
        if thread is not None:
            thread.deleteLater()
        self.finished.emit()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.stop()

    def set_paused(self, paused: bool) -> None:
        if self._worker is not None:
            self._worker.set_paused(paused)

    def request_feature_maps(self, probe_index: int) -> None:
        if self._worker is not None:
            self._worker.request_feature_maps(probe_index)

    def shutdown(self, timeout_ms: int = 1000) -> bool:
        """Stop the run and wait ``timeout_ms`` for the thread; then let it finish on its own.

        Used when the window closes. A run still busy after the wait (a load between two
        checks, a download) is parked: the thread loses its parent, so destroying the
        window never destroys a running QThread (which aborts the program), and it is
        released when it finishes, or waited for when the program exits. True if the
        thread had already ended.
        """
        if self._thread is None:
            return True
        self.stop()
        self.set_paused(False)
        thread, worker = self._thread, self._worker
        thread.quit()  # leaves the thread's loop as soon as run() returns
        done = thread.wait(timeout_ms)
        if not done and worker is not None:
            worker.kill()  # a run in its own process ends now; its thread follows
            done = thread.wait(KILL_WAIT_MS)
        if done:
            self._on_thread_finished()
            return True
        self._thread = self._worker = None
        park(thread, worker)
        self.finished.emit()
        return False


KILL_WAIT_MS = 2000
"""How long closing waits for a killed training process's thread to notice."""

_parked: dict[QThread, TrainingWorker | None] = {}
"""Worker threads that outlived their window, kept alive (and referenced) until they end."""

EXIT_WAIT_MS = 30_000
"""How long the program's exit waits for parked threads to notice Stop."""


def park(thread: QThread, worker: TrainingWorker | None) -> None:
    """Keep ``thread`` alive, parentless, until it finishes; its worker was told to stop."""
    thread.setParent(None)
    _parked[thread] = worker
    thread.finished.connect(_releaser(), Qt.ConnectionType.QueuedConnection)
    if len(_parked) == 1:
        atexit.register(wait_for_parked_threads)


class _Releaser(QObject):
    """Lives on the GUI thread, so a finished thread is dropped there, never in itself."""

    @Slot()
    def release_finished(self) -> None:
        for thread in [t for t in _parked if t.isFinished()]:
            del _parked[thread]
            thread.deleteLater()


_releaser_instance: _Releaser | None = None


def _releaser() -> Callable[[], None]:
    global _releaser_instance
    if _releaser_instance is None:
        _releaser_instance = _Releaser()
    return _releaser_instance.release_finished


def parked_threads() -> int:
    """How many closed windows' runs are still finishing."""
    return len(_parked)


def wait_for_parked_threads(timeout_ms: int = EXIT_WAIT_MS) -> bool:
    """At exit: give parked runs time to stop, so no running QThread is ever destroyed.

    A thread that still runs after ``timeout_ms`` is left referenced forever: the
    process ends without destroying it, instead of aborting.
    """
    for thread in list(_parked):
        if thread.wait(timeout_ms):
            del _parked[thread]
        else:
            log.warning("a training thread was still busy at exit; leaving it to the OS")
            # One reference that is never released: the interpreter's shutdown then
            # never runs the destructor of a running QThread (which would abort).
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(thread))
            del _parked[thread]
    return not _parked
