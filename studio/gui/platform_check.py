"""Can Qt's X11 (xcb) platform plugin load? Asked before the QApplication exists.

When a system library of the plugin is missing (``libxcb-cursor0`` on a minimal
Debian or Ubuntu), Qt prints "Could not load the Qt platform plugin 'xcb'" and
aborts the process while the QApplication is constructed, too early for Python to
catch. So the libraries are looked up first and a one-line hint names the
packages to install. Qt-free: importing Qt is what would abort.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable, Mapping

XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-image": "libxcb-image0",
    "xcb-render-util": "libxcb-render-util0",
    "xcb-randr": "libxcb-randr0",
    "xcb-shape": "libxcb-shape0",
    "xcb-xkb": "libxcb-xkb1",
    "xkbcommon-x11": "libxkbcommon-x11-0",
}
"""The X libraries Qt 6's xcb plugin links to that a minimal system may lack, and their
Debian/Ubuntu packages (the plugin's own Qt libraries ship with PySide6)."""


def uses_xcb(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """Whether Qt will pick the xcb plugin: asked for, or Linux outside a Wayland session."""
    chosen = environ.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen == "xcb"
    if not platform.startswith("linux"):
        return False
    wayland = environ.get("XDG_SESSION_TYPE") == "wayland" and environ.get("WAYLAND_DISPLAY")
    return not wayland


def missing_xcb_packages(
    find_library: Callable[[str], str | None] = ctypes.util.find_library,
) -> list[str]:
    """The packages whose libraries ``find_library`` cannot find, in install order."""
    return [package for name, package in XCB_LIBRARIES.items() if find_library(name) is None]


def platform_hint(
    environ: Mapping[str, str] = os.environ,
    platform: str = sys.platform,
    find_library: Callable[[str], str | None] = ctypes.util.find_library,
) -> str | None:
    """A one-line hint when the window cannot open for want of system libraries, else None."""
    if not uses_xcb(environ, platform):
        return None
    missing = missing_xcb_packages(find_library)
    if not missing:
        return None
    packages = " ".join(missing)
    them = "them" if len(missing) > 1 else "it"
    return (
        f"The window cannot open: Qt's xcb platform plugin needs {packages}. "
        f"Install {them} (e.g. sudo apt install {packages}) and start again."
    )
