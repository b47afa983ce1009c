"""Guards against PySide6 releases whose Signal.emit() corrupts reference counts.

PySide6 6.12.0 on Python 3.11 drops a reference to True/False on every emit, and after
a few thousand emits the interpreter aborts (bool_dealloc / none_dealloc). pyqtgraph
emits many signals, so such a release would crash the window mid-training. The emits
run in a subprocess so that an abort fails this test instead of killing the run.
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = r"""
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    flag = Signal(bool)
    nothing = Signal(object)

app = QCoreApplication(sys.argv)
emitter = Emitter()
seen = []
emitter.flag.connect(lambda value: seen.append(value) if len(seen) < 1 else None)
emitter.nothing.connect(lambda value: None)
before = sys.getrefcount(True), sys.getrefcount(None)
for i in range(100_000):
    emitter.flag.emit(i % 2 == 0)
    emitter.nothing.emit(None)
after = sys.getrefcount(True), sys.getrefcount(None)
print("ok", before, after)
"""


def test_100k_signal_emits_do_not_corrupt_the_interpreter():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, (
        f"PySide6 crashed while emitting signals:\n{result.stderr[-2000:]}"
    )
    assert result.stdout.startswith("ok")
