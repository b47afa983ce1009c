"""Train the default project for N epochs and print the process's peak RSS in MiB.

``python benchmarks/probes/memory.py EPOCHS [--window]``: headless through the
trainer, or with ``--window`` in a shown MainWindow (offscreen) as if Train were
pressed, with every live view painted along the way.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def peak_mib() -> float:
    """The high-water mark of resident memory. On Linux ``VmHWM`` of this process image:
    ``ru_maxrss`` would carry over the parent's peak through fork and exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
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


def in_window(epochs: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from benchmarks.cases.window import WindowRun

    run = WindowRun(epochs, tick=False)
    run()
    run.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("epochs", type=int)
    parser.add_argument("--window", action="store_true")
    args = parser.parse_args()
    (in_window if args.window else headless)(args.epochs)
    print(f"peak_mib {peak_mib():.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
