"""Train the default project for N epochs and print the process's peak RSS in MiB.

``python benchmarks/probes/memory.py EPOCHS [--window]``: headless through the
trainer, or with ``--window`` in a shown MainWindow (offscreen) as if Train were
pressed, with every live view painted along the way. The window trains in a process
of its own: its figure is the window's peak plus the training process's, read at each
epoch's end while that process still runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def peak_mib(pid: int | str = "self") -> float:
    """The high-water mark of resident memory. On Linux ``VmHWM`` of this process image:
    ``ru_maxrss`` would carry over the parent's peak through fork and exec."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    return kib / (1024 * 1024) if sys.platform == "darwin" else kib / 1024


def headless(epochs: int) -> None:
    from studio.core.templates import default_project
    from studio.core.training.trainer import Trainer

    project = default_project()
    project.training.epochs = epochs
    result = Trainer(project).run()
    if result.reason != "completed":
        raise SystemExit(f"training ended early: {result.reason}")


def in_window(epochs: int) -> float:
    """Train in the window; the training process's peak in MiB."""
    import multiprocessing

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from benchmarks.cases.window import WindowRun
    from studio.core.training.events import EpochEnded

    child_peak = [0.0]

    def read_child(event: object) -> None:
        if isinstance(event, EpochEnded):
            for child in multiprocessing.active_children():
                if child.name == "studio-training" and child.pid is not None:
                    child_peak[0] = max(child_peak[0], peak_mib(child.pid))

    run = WindowRun(epochs, tick=False)
    run.open()
    run.window.session.controller.event.connect(read_child)
    run()
    run.close()
    return child_peak[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("epochs", type=int)
    parser.add_argument("--window", action="store_true")
    args = parser.parse_args()
    if args.window:
        child = in_window(args.epochs)
        print(f"window_mib {peak_mib():.1f} training_process_mib {child:.1f}", flush=True)
        print(f"peak_mib {peak_mib() + child:.1f}", flush=True)
    else:
        headless(args.epochs)
        print(f"peak_mib {peak_mib():.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
