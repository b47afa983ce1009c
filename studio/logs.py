"""A log file per user that keeps the tracebacks people never see on screen."""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path


def user_state_dir() -> Path:
    """The per-user folder for logs and recovery files."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "sequential-studio"


def log_file_path() -> Path:
    return user_state_dir() / "studio.log"


def setup_logging(debug: bool = False) -> None:
    """Log to a rotating file (always) and to stderr (with ``--debug``)."""
    root = logging.getLogger("studio")
    if getattr(root, "_studio_configured", False):
        return
    root.setLevel(logging.DEBUG)
    try:
        log_file_path().parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            log_file_path(), maxBytes=1_000_000, backupCount=2, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    except OSError:
        pass  # a read-only home must not stop the program
    if debug:
        stream = logging.StreamHandler()
        stream.setLevel(logging.DEBUG)
        root.addHandler(stream)
    root._studio_configured = True  # type: ignore[attr-defined]
