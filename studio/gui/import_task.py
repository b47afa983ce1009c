"""Running a code import off the GUI thread, with a busy dialog and Cancel.

A trusted import (one that runs the file) goes to a child process
(``core.codegen.sandbox``) with a time and memory limit, and Cancel kills it; an
endless loop or ``sys.exit`` in the file is then a message, and the window and its
unsaved work stay. A plain import only reads the syntax tree; it runs on a worker
thread so that even a large file never freezes the window. While either runs, a
local event loop keeps the window painting, and the modal dialog keeps edits out.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from studio.core.codegen.sandbox import Limits, TrustedImport

POLL_MS = 50
PLAIN_DIALOG_DELAY_MS = 400
"""A plain import is usually done in a blink: show the dialog only if it is not."""


class _PlainImport:
    """``import_code`` without trust on a daemon thread; cancelling just drops its result."""

    def __init__(self, source: str, input_shape, filename: str) -> None:
        self._outcome: Any = None
        self._thread = threading.Thread(
            target=self._run, args=(source, input_shape, filename), daemon=True, name="import"
        )
        self._thread.start()

    def _run(self, source: str, input_shape, filename: str) -> None:
        from studio.core.codegen.importer import import_code

        try:
            self._outcome = import_code(source, input_shape=input_shape, filename=filename)
        except Exception as error:  # handed to the GUI thread, raised there
            self._outcome = error

    def done(self) -> bool:
        return not self._thread.is_alive()

    def result(self):
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome

    def cancel(self) -> None:
        """The thread only reads a syntax tree and ends by itself; its result is ignored."""


def run_import(
    parent: QWidget,
    source: str,
    *,
    input_shape: tuple[int, ...] | None,
    trust: bool,
    filename: str,
    limits: Limits | None = None,
):
    """``import_code``'s result, or ``None`` if the person pressed Cancel.

    Raises the import's ``StudioError`` (``TrustNeeded``, ``InputShapeNeeded``, …)
    just as ``import_code`` does, so the caller's handling stays the same.
    """
    if trust:
        task: Any = TrustedImport(source, input_shape=input_shape, filename=filename, limits=limits)
    else:
        task = _PlainImport(source, input_shape, filename)
    dialog = _progress_dialog(parent, trust)
    loop = QEventLoop()
    cancelled = False

    def cancel() -> None:
        nonlocal cancelled
        cancelled = True
        task.cancel()
        loop.quit()

    def poll() -> None:
        if task.done():
            loop.quit()

    timer = QTimer(dialog)
    timer.setInterval(POLL_MS)
    timer.timeout.connect(poll)
    dialog.canceled.connect(cancel)
    if not task.done():
        timer.start()
        loop.exec()
    timer.stop()
    dialog.canceled.disconnect(cancel)
    dialog.close()
    dialog.deleteLater()
    if cancelled:
        return None
    return task.result()


def _progress_dialog(parent: QWidget, trust: bool) -> QProgressDialog:
    text = (
        QCoreApplication.translate("import_task", "Running the file to import its network…")
        if trust
        else QCoreApplication.translate("import_task", "Reading the network from the code…")
    )
    cancel = QCoreApplication.translate("import_task", "Cancel")
    dialog = QProgressDialog(text, cancel, 0, 0, parent)
    dialog.setObjectName("importProgress")
    dialog.setWindowTitle(QCoreApplication.translate("import_task", "Importing PyTorch code"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(0 if trust else PLAIN_DIALOG_DELAY_MS)
    dialog.setValue(0)
    return dialog
