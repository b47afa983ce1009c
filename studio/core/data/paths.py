"""Where datasets live: the per-user download cache and the bundled MNIST sample."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from studio.core.resources import resources_dir

APP_DIR = "sequential-studio"
SAMPLE_FILE = "mnist_5k.npz"


def default_data_root() -> Path:
    """The per-user cache folder for downloaded datasets (not created here).

    Linux and other Unixes follow XDG (``$XDG_CACHE_HOME`` or ``~/.cache``);
    Windows uses ``%LOCALAPPDATA%`` and macOS ``~/Library/Caches``, as their
    own programs do. Downloads are caches: deleting them loses nothing.
    """
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / APP_DIR / "cache" / "datasets"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / APP_DIR / "datasets"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    # The XDG spec says a relative value is invalid and must be ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".cache"
    return base / APP_DIR / "datasets"


def bundled_sample_path() -> Path:
    """The shipped 5,000-image MNIST sample (see ``resources_dir``)."""
    return resources_dir() / SAMPLE_FILE
