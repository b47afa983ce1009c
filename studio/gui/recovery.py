"""Autosaves a recovery copy of the project shortly after each change, one copy per window.

Each window writes its own ``recovery-<pid>-<n>.json`` in the state folder and holds
a ``QLockFile`` beside it for as long as the copy exists, so two windows (or two
running programs) never overwrite or delete each other's copy. A copy whose lock is
stale (its program died) is an orphan from a crash: ``find_orphans`` hands it out
locked, so only one window offers it, and it is deleted only when the person restores
or declines it. A clean save or a clean close deletes the window's own copy.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QLockFile, QObject, QTimer
from PySide6.QtWidgets import QMessageBox, QWidget

from studio.core.errors import StudioError
from studio.core.io.atomic import write_atomic
from studio.core.io.project_file import project_from_json, project_to_json
from studio.core.project import Project
from studio.logs import user_state_dir

PREFIX = "recovery-"
LEGACY_NAME = "recovery.json"
"""The single copy older versions wrote; it has no lock, so it is always an orphan."""
MAX_COPY_BYTES = 64 * 1024 * 1024
"""A recovery copy larger than this is not ours; it is removed unread."""

_numbers = itertools.count(1)


def recovery_folder() -> Path:
    return user_state_dir()


def _lock_for(path: Path) -> QLockFile:
    lock = QLockFile(str(path) + ".lock")
    # Only a dead owner makes a lock stale: by default QLockFile also breaks locks
    # older than 30 s, which would hand a live window's copy to another window.
    lock.setStaleLockTime(0)
    return lock


class RecoveryWriter(QObject):
    """Writes this window's recovery copy two seconds after the last unsaved edit."""

    DELAY_MS = 2000

    def __init__(self, document, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._path: Path | None = None
        self._lock: QLockFile | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(self.write_now)
        document.undo_stack.indexChanged.connect(self._on_change)

    @property
    def path(self) -> Path | None:
        """This window's copy, while it holds one."""
        return self._path

    def _on_change(self) -> None:
        if not shiboken6.isValid(self._doc.undo_stack):
            return  # the stack emits while it is being destroyed with the window
        if self._doc.undo_stack.isClean():
            self.discard()
        else:
            self._timer.start()

    def _claim(self) -> Path | None:
        """A fresh file name of this process, locked before anything is written to it."""
        folder = recovery_folder()
        folder.mkdir(parents=True, exist_ok=True)
        for _ in range(1000):
            path = folder / f"{PREFIX}{os.getpid()}-{next(_numbers)}.json"
            if path.exists():
                continue  # an orphan of a crashed program that had the same pid
            lock = _lock_for(path)
            if lock.tryLock(0):
                self._path, self._lock = path, lock
                return path
        return None

    def write_now(self) -> None:
        self._timer.stop()
        data = {
            "original_path": str(self._doc.path) if self._doc.path else None,
            "project": project_to_json(self._doc.project),
        }
        text = json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")
        try:
            path = self._path or self._claim()
            if path is not None:
                write_atomic(path, lambda handle: handle.write(text))
        except (OSError, StudioError):
            pass  # a recovery copy is a courtesy; failing to write it must not interrupt work

    def discard(self) -> None:
        """Delete this window's own copy (a clean save or close); never another's."""
        self._timer.stop()
        if self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()
        if self._lock is not None:
            self._lock.unlock()  # after the unlink: a copy never lies about unlocked
        self._path = self._lock = None


@dataclass
class Orphan:
    """A crashed session's copy, locked by this process while it is offered."""

    path: Path
    project: Project
    original_path: str | None
    lock: QLockFile

    @property
    def display_name(self) -> str:
        return Path(self.original_path).name if self.original_path else self.project.name

    def delete(self) -> None:
        """The person restored or declined it."""
        with contextlib.suppress(OSError):
            self.path.unlink()
        self.lock.unlock()

    def keep(self) -> None:
        """Leave it for a later start."""
        self.lock.unlock()


def find_orphans(for_path: str | Path | None = None) -> list[Orphan]:
    """The readable copies left by crashed sessions, newest first, each locked for the caller.

    With ``for_path`` only copies of that project file. Unreadable copies are removed.
    """
    folder = recovery_folder()
    try:
        candidates = [*folder.glob(f"{PREFIX}*.json"), folder / LEGACY_NAME]
    except OSError:
        return []
    wanted = _resolved(for_path) if for_path is not None else None
    found = []
    for path in candidates:
        if not path.is_file():
            continue
        lock = _lock_for(path)
        if not lock.tryLock(0):
            continue  # a live window's copy, or another window is offering it
        orphan = _read(path, lock)
        if orphan is None:
            continue
        if wanted is not None and _resolved(orphan.original_path) != wanted:
            orphan.keep()
            continue
        found.append(orphan)
    found.sort(key=_modified, reverse=True)
    return found


def _read(path: Path, lock: QLockFile) -> Orphan | None:
    """The copy at ``path`` (locked by ``lock``), or None after removing an unreadable one."""
    try:
        if not path.is_file():  # its window deleted it while we took the lock
            lock.unlock()
            return None
        if path.stat().st_size > MAX_COPY_BYTES:
            raise ValueError("too large")
        data = json.loads(path.read_text("utf-8"))
        project = project_from_json(data["project"], "the recovery copy")
        original = data.get("original_path")
        return Orphan(path, project, original if isinstance(original, str) else None, lock)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, StudioError):
        with contextlib.suppress(OSError):
            path.unlink()
        lock.unlock()
        return None


def _resolved(path: str | Path | None) -> Path | None:
    if not path:
        return None
    try:
        return Path(path).expanduser().resolve()
    except (OSError, RuntimeError):
        return Path(path)


def _modified(orphan: Orphan) -> float:
    try:
        return orphan.path.stat().st_mtime
    except OSError:
        return 0.0


_declined_this_session: set[Path] = set()
"""Copies the person chose to keep for later: not asked again until the next start."""


def ask_restore(parent: QWidget | None, name: str) -> str:
    """'restore', 'discard' or 'keep' (any other way of closing the question keeps it)."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.question(
        parent,
        QCoreApplication.translate("recovery", "Recover unsaved work?"),
        QCoreApplication.translate(
            "recovery",
            "Sequential Studio closed unexpectedly while %1 had unsaved changes. Restore them? "
            "No deletes the copy; Cancel keeps it for the next start.",
        ).replace("%1", name),
        buttons.Yes | buttons.No | buttons.Cancel,
        buttons.Yes,
    )
    if answer == buttons.Yes:
        return "restore"
    if answer == buttons.No:
        return "discard"
    return "keep"


def offer_orphans(
    parent: QWidget | None,
    document: Any,
    writer: RecoveryWriter,
    for_path: str | Path | None = None,
) -> bool:
    """Offer each crashed session's copy (of ``for_path`` only, if given); True if restored.

    Only into a window without unsaved changes, and at most one copy per window:
    the others stay for the next window or start.
    """
    restored = False
    for orphan in find_orphans(for_path):
        if restored or orphan.path in _declined_this_session:
            orphan.keep()
            continue
        if not document.undo_stack.isClean():
            orphan.keep()
            continue
        answer = ask_restore(parent, orphan.display_name)
        if answer == "restore":
            original = Path(orphan.original_path) if orphan.original_path else None
            document.replace_project(orphan.project, original)
            document.undo_stack.resetClean()
            writer.write_now()  # this window's own copy exists before the orphan goes
            orphan.delete()
            restored = True
        elif answer == "discard":
            orphan.delete()
        else:
            _declined_this_session.add(orphan.path)
            orphan.keep()
    return restored
