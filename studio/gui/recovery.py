"""Autosaves a recovery copy of the project shortly after each change.

After a crash the next start offers it back (``pending_recovery``). A clean save or
a clean close discards it.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QTimer

from studio.core.errors import StudioError
from studio.core.io.atomic import write_atomic
from studio.core.io.project_file import project_from_json, project_to_json
from studio.core.project import Project
from studio.logs import user_state_dir


def recovery_path() -> Path:
    return user_state_dir() / "recovery.json"


class RecoveryWriter(QObject):
    """Writes ``recovery.json`` two seconds after the last unsaved edit."""

    DELAY_MS = 2000

    def __init__(self, document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self.write_now)
        document.undo_stack.indexChanged.connect(self._on_change)

    def _on_change(self) -> None:
        if not shiboken6.isValid(self._doc.undo_stack):
            return  # the stack emits while it is being destroyed with the window
        if self._doc.undo_stack.isClean():
            self.discard()
        else:
            self._timer.start()

    def write_now(self) -> None:
        data = {
            "original_path": str(self._doc.path) if self._doc.path else None,
            "project": project_to_json(self._doc.project),
        }
        text = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        try:
            recovery_path().parent.mkdir(parents=True, exist_ok=True)
            write_atomic(recovery_path(), lambda handle: handle.write(text))
        except (OSError, StudioError):
            pass  # a recovery copy is a courtesy; failing to write it must not interrupt work

    def discard(self) -> None:
        self._timer.stop()
        with contextlib.suppress(OSError):
            recovery_path().unlink()


def pending_recovery() -> tuple[Project, str | None] | None:
    """The project left by a crashed session, if any and readable."""
    path = recovery_path()
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text("utf-8"))
        return project_from_json(data["project"], "the recovery copy"), data.get("original_path")
    except (OSError, ValueError, KeyError, TypeError, StudioError):
        with contextlib.suppress(OSError):
            path.unlink()
        return None
