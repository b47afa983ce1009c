"""Where datasets live: the per-user download cache and the bundled MNIST sample."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


def _sample_candidates() -> list[Path]:
    package = Path(__file__).resolve().parents[2]  # .../studio
    return [
        package.parent / "resources" / SAMPLE_FILE,  # a checkout: <repo>/resources
        package / "resources" / SAMPLE_FILE,  # shipped as package data
        Path(sys.prefix) / "share" / APP_DIR / "resources" / SAMPLE_FILE,  # data-files
    ]


def bundled_sample_path() -> Path:
    """The shipped 5,000-image MNIST sample.

    Looks next to the ``studio`` package first (a checkout), then inside it and
    under ``<prefix>/share`` (an installed copy). Returns the checkout location
    when none exists, so the "missing" message names a sensible place.
    """
    candidates = _sample_candidates()
    for path in candidates:
        if path.is_file():
            return path
    return candidates[0]
