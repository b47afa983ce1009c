"""The warm-up (the training processes' server started, predictions imported) runs on the
torch-import thread before the window hears ``ready``, and a closing program waits for
that thread instead of finalizing under it (a window closed within seconds of opening
aborted while ``torch._dynamo`` imported)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_script(code: str) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter, offscreen, with this checkout importable."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )


EXIT_DURING_IMPORT = """
import atexit, sys, threading
from PySide6.QtWidgets import QApplication
from studio.gui import background, warm_up

app = QApplication(sys.argv[:1])
importing = lambda: any(t.name == "torch-import" and t.is_alive() for t in threading.enumerate())
# registered first, so it runs after the threads were joined (atexit is last-in, first-out)
atexit.register(lambda: print("importing at exit:", importing(), "warmed:", warm_up.done.is_set(),
                              flush=True))
background.torch_loader()._start_now()
print("leaving while importing:", importing(), flush=True)
"""


def test_exit_waits_for_the_import_and_warm_up_still_running():
    done = run_script(EXIT_DURING_IMPORT)

    assert done.returncode == 0, done.stderr[-2000:]
    assert "leaving while importing: True" in done.stdout
    assert "importing at exit: False" in done.stdout  # joined before exit, not abandoned
    assert "warming the training path failed" not in done.stderr


READY_AFTER_WARM_UP = """
import sys
from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication
from studio.core.training import process
from studio.gui import background, warm_up

app = QApplication(sys.argv[:1])
loader = background.torch_loader()
loop = QEventLoop()
seen = []
loader.when_ready(lambda: (seen.append(("warmed", warm_up.done.is_set(), process.server_started(),
                                        "torch._dynamo" in sys.modules)), loop.quit()))
loader._start_now()
loop.exec()
print(seen, flush=True)
"""


def test_the_window_hears_ready_once_the_training_server_runs():
    done = run_script(READY_AFTER_WARM_UP)

    assert done.returncode == 0, done.stderr[-2000:]
    # the server imports torch._dynamo for the runs; the window's process never does
    assert "[('warmed', True, True, False)]" in done.stdout


BUILD_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication
from studio.gui.main_window import MainWindow

app = QApplication(sys.argv[:1])
window = MainWindow()  # the torch import starts only after the first paint
print("torch imported by the window:", "torch" in sys.modules, flush=True)
"""


def test_building_the_window_does_not_import_torch():
    # torch imported on the GUI thread while the window is built delays its first paint by
    # the whole import (measured: painted after 3.2 s instead of ~1 s)
    done = run_script(BUILD_WINDOW)

    assert done.returncode == 0, done.stderr[-2000:]
    assert "torch imported by the window: False" in done.stdout
