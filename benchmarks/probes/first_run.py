"""The first training run of a fresh window, in a fresh interpreter: how late a 10 ms timer on
the GUI thread fires from the Train click to the end of the run.

``python benchmarks/probes/first_run.py EPOCHS`` prints ``lateness <json list of ms>`` and
``rate <samples/s>``. The window opens as ``main.py`` opens it; Train is pressed once the
window's background torch import is done (as soon as a person could train), a short pause
later, so nothing of the run has been warmed by an earlier one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SETTLE_MS = 300
"""The pause between torch being ready and the click (a person moving to the button)."""


def wait_for_torch() -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    from studio.gui.background import torch_loader

    loader = torch_loader()
    loop = QEventLoop()
    loader.when_ready(loop.quit)
    if not loader.is_ready:
        loop.exec()
    QTimer.singleShot(SETTLE_MS, loop.quit)
    loop.exec()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("epochs", type=int)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from benchmarks.cases.window import WindowRun

    run = WindowRun(args.epochs, tick=True)
    run.open()
    wait_for_torch()
    rate = run()
    print("lateness " + json.dumps([round(v, 3) for v in run.lateness_ms]), flush=True)
    print(f"rate {rate:.1f}", flush=True)
    os._exit(0)  # skip the orderly close: only the figures matter


if __name__ == "__main__":
    raise SystemExit(main())
