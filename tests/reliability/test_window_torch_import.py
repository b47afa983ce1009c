"""One background torch import per process, shared by every window, and no app-wide filter.

A second window built while the import runs once hung in QDockWidget construction
(the import's app-wide Python event filter). These tests build windows while an import
is running, in this process with a controlled import and in a fresh interpreter with
the real one, and check that every window finishes construction and hears torch-ready.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QObject

from studio.gui import background
from studio.gui.main_window import MainWindow

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]

TWO_WINDOWS_DURING_THE_REAL_IMPORT = """
import sys
from PySide6.QtWidgets import QApplication
from studio.gui import background
from studio.gui.main_window import MainWindow

app = QApplication(sys.argv[:1])
first = MainWindow()
first.show()
loader = background.torch_loader()
while not loader.started:
    app.processEvents()
assert "torch" not in sys.modules or not loader.is_ready
second = MainWindow()  # docks and all, while torch-import runs
second.show()
built_during_import = not loader.is_ready
while not (first.session._torch_ready and second.session._torch_ready):
    app.processEvents()
third = MainWindow()
print("built during import:", built_during_import, "third ready at once:",
      third.session._torch_ready, flush=True)
for window in (first, second, third):
    window.close()
"""


@pytest.fixture
def fresh_loader(monkeypatch) -> threading.Event:
    """A new process-wide loader whose 'import' keeps running until the event is set.

    The stand-in import builds dataclasses in a loop, as the hung torch-import thread
    was doing, so it takes the GIL back and forth while the windows are built.
    """
    release = threading.Event()

    def slow_import(loader) -> None:
        while not release.is_set():
            dataclasses.make_dataclass("Busy", [("x", int), ("y", float)])
        loader._imported.emit()

    monkeypatch.setattr(background, "_loader", None)
    monkeypatch.setattr(background.TorchLoader, "_load", slow_import)
    yield release
    release.set()


@pytest.fixture
def app_filters(monkeypatch) -> list[QObject]:
    """Every event filter installed on the application object from Python."""
    installed: list[QObject] = []
    original = QObject.installEventFilter

    def record(self, watcher) -> None:
        if isinstance(self, QCoreApplication):
            installed.append(watcher)
        original(self, watcher)

    monkeypatch.setattr(QObject, "installEventFilter", record)
    return installed


def shown_window(qtbot) -> MainWindow:
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    return window


def test_two_windows_built_while_the_import_runs_both_hear_ready(
    qtbot, fresh_loader, app_filters, monkeypatch
):
    monkeypatch.setattr(background, "PAINT_WAIT_MS", 60_000)  # only the paint can start it
    first = shown_window(qtbot)
    loader = background.torch_loader()
    qtbot.waitUntil(lambda: loader.started, timeout=5000)  # after the first paint

    second = shown_window(qtbot)  # constructed while the import thread runs
    assert second.findChild(QObject, "trainingDock") is not None
    assert not loader.is_ready and not second.session._torch_ready

    with qtbot.waitSignal(loader.ready, timeout=10000):
        fresh_loader.set()
    qtbot.waitUntil(lambda: first.session._torch_ready and second.session._torch_ready)

    third = MainWindow()  # created after the import finished: hears it at once
    qtbot.addWidget(third)
    assert third.session._torch_ready
    assert app_filters == [], "no event filter on the application"
    for window in (first, second, third):
        window.session.shutdown()


def test_one_import_for_every_window(qtbot, fresh_loader, monkeypatch):
    starts: list[str] = []
    original = threading.Thread.start

    def counted(thread) -> None:
        if thread.name == "torch-import":
            starts.append(thread.name)
        original(thread)

    monkeypatch.setattr(threading.Thread, "start", counted)
    windows = [shown_window(qtbot) for _ in range(3)]
    qtbot.waitUntil(lambda: background.torch_loader().started, timeout=5000)
    windows.append(shown_window(qtbot))
    fresh_loader.set()
    qtbot.waitUntil(lambda: all(w.session._torch_ready for w in windows))
    assert starts == ["torch-import"]


def test_a_window_never_shown_still_gets_torch_within_the_wait(qtbot, fresh_loader):
    window = MainWindow()
    qtbot.addWidget(window)
    loader = background.torch_loader()
    assert not loader.started
    qtbot.waitUntil(lambda: loader.started, timeout=background.PAINT_WAIT_MS + 2000)
    fresh_loader.set()
    qtbot.waitUntil(lambda: window.session._torch_ready)


def test_second_window_during_the_real_import_in_a_fresh_process(tmp_path):
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    done = subprocess.run(
        [sys.executable, "-c", TWO_WINDOWS_DURING_THE_REAL_IMPORT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "built during import: True third ready at once: True" in done.stdout
