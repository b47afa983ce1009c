"""Closing the window while training loads its data never aborts the program.

A real ``main.py`` run in a child process: Train is clicked on an image folder whose
images decode slowly, the window is closed during the load, and the process must end
with code 0, without "QThread: Destroyed while thread is still running", and without
decoding the rest of the folder (loading is cancellable). The run trains on a thread
here, the path whose decoding the script can slow down; closing a window whose run is
in a process of its own is tested in ``tests/gui/test_training_process.py``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.core.io.project_file import save_project
from studio.core.templates import default_project

pytestmark = pytest.mark.reliability

ROOT = Path(__file__).resolve().parents[2]
IMAGES_PER_CLASS = 150

CLOSING_DURING_LOAD = """
import atexit, sys, threading, time
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from studio.core.data import image_folder
from studio.gui import app as studio_app, workers

FIRST_DELAY, EACH_DELAY = float(sys.argv[2]), float(sys.argv[3])
decoded = []
loading = threading.Event()
closed = threading.Event()
real_decode = image_folder.decode

def slow_decode(*args):
    from PySide6.QtCore import QThread

    if QThread.currentThread().objectName() != "trainingThread":  # the dataset preview's
        return real_decode(*args)
    decoded.append(1)
    loading.set()
    if len(decoded) == 1 and FIRST_DELAY < 0:  # a disk stalled until after the close
        closed.wait(60)
    else:
        time.sleep(FIRST_DELAY if len(decoded) == 1 else EACH_DELAY)  # a slow disk
    return real_decode(*args)

image_folder.decode = slow_decode
atexit.register(lambda: print(f"decoded {len(decoded)}", flush=True))  # runs last

def drive():
    window = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow")
    window.session.controller.own_process = False  # the slow decode is patched in here
    QTest.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)

    def close_once_loading():
        if loading.is_set():
            window.close()
            print(f"parked {workers.parked_threads()}", flush=True)
            closed.set()
        else:
            QTimer.singleShot(20, close_once_loading)

    close_once_loading()

QApplication(sys.argv[:1])
QTimer.singleShot(0, drive)
sys.exit(studio_app.main([sys.argv[1]]))
"""


@pytest.fixture
def slow_folder_project(tmp_path) -> Path:
    rng = np.random.default_rng(0)
    for name in ("circles", "squares"):
        folder = tmp_path / "images" / name
        folder.mkdir(parents=True)
        for i in range(IMAGES_PER_CLASS):
            pixels = rng.integers(0, 256, (28, 28), dtype=np.uint8)
            Image.fromarray(pixels, "L").save(folder / f"{i}.png")
    project = default_project()
    project.dataset.name = "image-folder"
    project.dataset.path = str(tmp_path / "images")
    path = tmp_path / "folder.json"
    save_project(path, project)
    return path


@pytest.mark.parametrize(
    ("first_delay", "each_delay", "parked", "case"),
    [
        (0.02, 0.02, None, "stops within the close (or soon after)"),
        # stalled until the close has returned, however late a loaded machine runs the close
        (-1.0, 0.02, 1, "a stalled image outlives the close"),
    ],
)
def test_closing_while_data_loads_ends_cleanly(
    slow_folder_project, tmp_path, first_delay, each_delay, parked, case
):
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT),
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    delays = [str(first_delay), str(each_delay)]
    began = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", CLOSING_DURING_LOAD, str(slow_folder_project), *delays],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.monotonic() - began
    assert "Destroyed while thread is still running" not in done.stderr, case
    assert done.returncode == 0, f"{case}: rc {done.returncode}\n{done.stderr[-2000:]}"
    if parked is not None:  # a stalled load outlives the close's wait: the thread is parked
        assert f"parked {parked}" in done.stdout, case
    decoded = int(done.stdout.split("decoded ")[-1])
    assert 1 <= decoded < IMAGES_PER_CLASS, f"{case}: the load went on after the close"
    print(f"{case}: {decoded} images decoded, process ended after {seconds:.1f} s")


def test_stop_during_loading_ends_the_run_as_stopped(slow_folder_project, monkeypatch):
    from studio.core.data import image_folder
    from studio.core.io.project_file import load_project
    from studio.core.training.trainer import Trainer

    trainer = Trainer(load_project(slow_folder_project))
    decoded = []
    real_decode = image_folder.decode

    def decode_then_stop(*args):
        decoded.append(1)
        if len(decoded) == 3:
            trainer.stop()  # as Stop or closing the window does, from another thread
        return real_decode(*args)

    monkeypatch.setattr(image_folder, "decode", decode_then_stop)
    result = trainer.run()
    assert result.reason == "stopped" and result.error is None
    assert len(decoded) == 3 and result.epochs_done == 0
    assert trainer.model is None
