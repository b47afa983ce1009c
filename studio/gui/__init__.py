"""The Qt front-end: adapts the core to widgets. ``MainWindow()`` shows the default project."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from studio.gui.main_window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    if name == "MainWindow":
        from studio.gui.main_window import MainWindow

        return MainWindow
    raise AttributeError(name)
