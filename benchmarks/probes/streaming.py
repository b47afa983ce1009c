"""Train a small network on a generated JPEG folder, preloaded or streamed; print the figures.

``python benchmarks/probes/streaming.py FOLDER MODE EPOCHS``: MODE is ``preload`` or
``stream``. Prints ``peak_mib`` (this process's ``VmHWM``), ``peak_total_mib`` (this
process and its DataLoader workers, proportional set size sampled every 0.1 s) and
``samples_per_second`` of the last epoch (the first one also starts the workers).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.probes.memory import peak_mib


def _pss_kib(pid: str) -> int:
    """Proportional set size: pages a forked worker shares with the trainer count once."""
    for name, key in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
        try:
            with open(f"/proc/{pid}/{name}", encoding="ascii") as lines:
                for line in lines:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def _descendants(pid: str = "self") -> list[str]:
    """Children, their children and so on: forkserver workers are the server's children."""
    found: list[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = task.read_text().split()
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


class TotalRss:
    """The largest sum of this process's and its children's resident memory seen."""

    def __init__(self) -> None:
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TotalRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            total = _pss_kib("self") + sum(_pss_kib(pid) for pid in _descendants())
            self.peak_kib = max(self.peak_kib, total)


def project(folder: Path, mode: str, epochs: int, size: int):
    from studio.core.architecture import Architecture, Block
    from studio.core.project import DatasetConfig, Project, TrainingConfig

    blocks = [
        Block.create("Conv2d", out_channels=8, kernel_size=4, stride=4),
        Block.create("ReLU"),
        Block.create("AdaptiveAvgPool2d", output_size=4),
        Block.create("Flatten"),
        Block.create("Linear", out_features=10),
    ]
    return Project(
        Architecture((3, size, size), blocks),
        DatasetConfig("image-folder", path=str(folder), val_fraction=0.1, loading=mode),
        TrainingConfig(batch_size=64, epochs=epochs, device="cpu", seed=0),
    )


def main() -> int:
    folder, mode, epochs = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    from PIL import Image

    from studio.core.training.trainer import Trainer

    with Image.open(next(folder.glob("*/*.jpg"))) as first:
        size = first.size[0]
    from studio.core.training.events import EpochEnded

    rates: list[float] = []
    with TotalRss() as total:
        started = time.perf_counter()
        trainer = Trainer(project(folder, mode, epochs, size))
        trainer.add_observer(
            lambda e: rates.append(e.samples_per_second) if isinstance(e, EpochEnded) else None
        )
        result = trainer.run()
        seconds = time.perf_counter() - started
    if result.reason != "completed":
        raise SystemExit(f"training ended early: {result.reason} {result.error}")
    print(f"peak_mib {peak_mib():.1f}")
    print(f"peak_total_mib {total.peak_kib / 1024:.1f}")
    print(f"samples_per_second {rates[-1]:.1f}")
    print(f"seconds {seconds:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
