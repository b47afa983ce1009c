"""Streaming an image folder from disk (issue #19), each run in a fresh interpreter:

- memory: peak RSS (the trainer and its DataLoader workers) streaming 20,000 JPEGs at
  3×224×224 ÷ streaming 2,000 of them; flat memory as the folder grows is ≤ 1.3;
- speed: streaming samples/s ÷ preloaded samples/s on the 2,000-image folder, which
  fits both ways; reported as it is (decoding every epoch costs time), with no target.

The JPEGs are written once into ``$STUDIO_BENCH_CACHE`` (default
``~/.cache/sequential-studio-bench`` of the real home) and reused by later runs.
``--quick`` uses 400 and 100 images at 3×32×32 in a temporary folder.
"""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.harness import Budget, CaseResult, Spread, ratios

NAME = "streaming"
TARGET = 1.3
CLASSES = 10
PROBE = Path(__file__).resolve().parents[1] / "probes" / "streaming.py"


def cache_root() -> Path:
    """The real home's cache: ``python -m benchmarks`` gives each run a temporary HOME."""
    if os.environ.get("STUDIO_BENCH_CACHE"):
        return Path(os.environ["STUDIO_BENCH_CACHE"])
    return Path(pwd.getpwuid(os.getuid()).pw_dir) / ".cache" / "sequential-studio-bench"


def jpeg_folder(root: Path, count: int, size: int) -> Path:
    """``count`` smooth colour JPEGs of ``size``² in 10 class folders; written once."""
    import numpy as np
    from PIL import Image

    done = root / ".complete"
    if done.exists():
        return root
    rng = np.random.default_rng(19)
    ramp = np.linspace(0, 1, size, dtype=np.float32)
    for index in range(count):
        label = index % CLASSES
        folder = root / f"class{label}"
        folder.mkdir(parents=True, exist_ok=True)
        tint = rng.uniform(0.2, 1.0, 3).astype(np.float32)
        base = np.outer(ramp, ramp[::-1])[:, :, None] * tint * 255
        noise = rng.integers(0, 24, (size, size, 3))
        pixels = np.clip(base + noise + 10 * label, 0, 255).astype(np.uint8)
        Image.fromarray(pixels).save(folder / f"{index:06d}.jpg", quality=85)
    done.write_text(f"{count} images at {size}x{size}\n")
    return root


def subset_folder(source: Path, root: Path, count: int) -> Path:
    """The first ``count`` images of ``source`` as hard links (no second copy on disk)."""
    done = root / ".complete"
    if done.exists():
        return root
    files = sorted(source.glob("class*/*.jpg"), key=lambda p: p.name)[:count]  # all classes
    for path in files:
        target = root / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            try:
                os.link(path, target)
            except OSError:
                target.write_bytes(path.read_bytes())
    done.write_text(f"{count} images\n")
    return root


def measure(folder: Path, mode: str, epochs: int) -> dict[str, float]:
    command = [sys.executable, str(PROBE), str(folder), mode, str(epochs)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    figures = {}
    for line in out.stdout.splitlines():
        key, _, value = line.partition(" ")
        if value:
            figures[key] = float(value)
    if "samples_per_second" not in figures:
        raise RuntimeError(f"the streaming probe failed: {out.stderr.strip()[-800:]}")
    return figures


def folders(budget: Budget) -> tuple[Path, Path, str]:
    if budget.quick:
        root = Path(tempfile.mkdtemp(prefix="studio-bench-stream-"))
        big = jpeg_folder(root / "jpeg32-400", 400, 32)
        return big, subset_folder(big, root / "jpeg32-100", 100), "400 and 100 at 3×32×32"
    root = cache_root()
    big = jpeg_folder(root / "jpeg224-20000", 20_000, 224)
    return big, subset_folder(big, root / "jpeg224-2000", 2_000), "20,000 and 2,000 at 3×224×224"


def run(budget: Budget) -> list[CaseResult]:
    big, small, what = folders(budget)
    epochs = budget.scaled(2, 1)  # the first epoch also starts the workers: rate of the last
    many, few, streamed, preloaded = [], [], [], []
    for index in range(budget.pairs):  # ABBA-like: the order turns every pair
        steps = [
            lambda: many.append(measure(big, "stream", 1)["peak_total_mib"]),
            lambda: few.append(measure(small, "stream", epochs)),
            lambda: preloaded.append(measure(small, "preload", epochs)["samples_per_second"]),
        ]
        for step in steps if index % 2 == 0 else steps[::-1]:
            step()
    streamed = [f["samples_per_second"] for f in few]
    few_mib = [f["peak_total_mib"] for f in few]
    memory = Spread.of(ratios(many, few_mib))
    speed = Spread.of(ratios(streamed, preloaded))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        CaseResult(
            f"{NAME} (memory)",
            "peak RSS streaming 10× the images ÷ 1×",
            memory,
            "×",
            f"≤ {TARGET}×",
            memory.median <= TARGET,
            [
                f"streaming {what} JPEGs: {Spread.of(many).median:,.0f} MiB and "
                f"{Spread.of(few_mib).median:,.0f} MiB peak (trainer + DataLoader workers, PSS); "
                f"load average {load:.1f}"
            ],
        ),
        CaseResult(
            f"{NAME} (speed)",
            "samples/s streaming ÷ preloaded",
            speed,
            "×",
            "reported",
            True,
            [
                f"{small.name}: streamed {Spread.of(streamed).median:,.0f} samples/s, preloaded "
                f"{Spread.of(preloaded).median:,.0f} samples/s (last of {epochs} epochs)"
            ],
        ),
    ]
