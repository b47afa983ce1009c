"""Run ``main.py`` as a person would and print when its window first paints and when its
background torch import finishes, as wall-clock times (``time.time()``) on stdout.

``python benchmarks/probes/startup.py`` — the parent compares them with its own clock
at launch. Nothing but a paint filter is added before ``studio.gui.app.main`` runs,
and no torch is imported here.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    from studio.gui import background

    seen: dict[str, float] = {}

    def report(what: str) -> None:
        if what not in seen:
            seen[what] = time.time()
            print(f"{what} {seen[what]:.6f}", flush=True)
        if "painted" in seen and "torch" in seen:
            os._exit(0)  # skip the window's orderly close: only the two times matter

    original_load = background.TorchLoader._load

    def timed_load(loader) -> None:
        original_load(loader)
        report("torch")

    background.TorchLoader._load = timed_load

    class PaintWatch(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint and watched.objectName() == "mainWindow":
                report("painted")
            return False

    app = QApplication(sys.argv[:1])
    watch = PaintWatch()
    app.installEventFilter(watch)
    from studio.gui.app import main as studio_main

    return studio_main([])


if __name__ == "__main__":
    raise SystemExit(main())
