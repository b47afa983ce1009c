"""The window's start-up names the missing xcb libraries instead of letting Qt abort."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studio.gui.platform_check import XCB_LIBRARIES, platform_hint, uses_xcb

LINUX_X11 = {"DISPLAY": ":0"}


def finder_without(*missing: str):
    return lambda name: None if name in missing else f"lib{name}.so.0"


def test_a_missing_xcb_cursor_names_its_package() -> None:
    hint = platform_hint(LINUX_X11, "linux", finder_without("xcb-cursor"))
    assert hint is not None and "libxcb-cursor0" in hint and "apt install libxcb-cursor0" in hint
    assert "\n" not in hint and "libxcb-icccm4" not in hint


def test_every_missing_library_is_named_once() -> None:
    hint = platform_hint(LINUX_X11, "linux", finder_without("xcb-cursor", "xcb-icccm"))
    assert hint is not None and "libxcb-cursor0 libxcb-icccm4." in hint and "Install them" in hint


def test_no_hint_when_the_libraries_are_there_or_xcb_is_not_used() -> None:
    everything = finder_without()
    assert platform_hint(LINUX_X11, "linux", everything) is None
    nothing = finder_without(*XCB_LIBRARIES)
    wayland = {"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
    assert platform_hint(wayland, "linux", nothing) is None
    assert platform_hint({"QT_QPA_PLATFORM": "offscreen"}, "linux", nothing) is None
    assert platform_hint({}, "darwin", nothing) is None
    assert platform_hint({}, "win32", nothing) is None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"QT_QPA_PLATFORM": "xcb"}, True),
        ({"QT_QPA_PLATFORM": "xcb:nograb"}, True),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, False),
        ({"XDG_SESSION_TYPE": "x11", "DISPLAY": ":0"}, True),
        ({"XDG_SESSION_TYPE": "wayland"}, True),  # no compositor to reach: Qt falls back to xcb
    ],
)
def test_which_platform_qt_will_pick_on_linux(environ: dict, expected: bool) -> None:
    assert uses_xcb(environ, "linux") is expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="xcb is Linux's platform")
def test_start_up_prints_the_hint_and_exits_2_before_qt(tmp_path) -> None:
    """The real start-up path, with the library finder told that xcb-cursor is missing."""
    code = (
        "import sys, ctypes.util\n"
        "real = ctypes.util.find_library\n"
        "ctypes.util.find_library = lambda n: None if n == 'xcb-cursor' else real(n) or 'x'\n"
        "from studio.gui.app import main\n"
        "code = main([])\n"
        "print('qt imported' if 'PySide6.QtWidgets' in sys.modules else 'qt not imported')\n"
        "sys.exit(code)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "DISPLAY": ":99", "HOME": str(tmp_path)}
    env["PYTHONPATH"] = ":".join(p for p in sys.path if p)
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2, result.stderr
    assert "libxcb-cursor0" in result.stderr and "qt not imported" in result.stdout
