"""Launch of ``main.py`` to its first painted window ÷ ``python -c "import torch"``.

Both run as fresh interpreters, alternated. The window's launch is timed by a probe
that runs ``studio.gui.app.main`` with a paint filter (``probes/startup.py``); it also
reports when the window's background torch import finished, so the table shows how far
ahead of torch the window is.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.harness import Budget, CaseResult, Spread, alternate, ratios

NAME = "start-up"
TARGET_S = 1.5
PROBE = Path(__file__).resolve().parents[1] / "probes" / "startup.py"


def _window() -> tuple[float, float]:
    start = time.time()
    out = subprocess.run(
        [sys.executable, str(PROBE)],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ | {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
    )
    times = dict(line.split() for line in out.stdout.splitlines() if line.count(" ") == 1)
    if "painted" not in times or "torch" not in times:
        raise RuntimeError(f"the start-up probe failed: {out.stderr.strip()[-500:]}")
    return float(times["painted"]) - start, float(times["torch"]) - start


def _torch() -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import torch"], check=True, timeout=120)
    return time.perf_counter() - start


def run(budget: Budget) -> list[CaseResult]:
    torch_ready: list[float] = []

    def window() -> float:
        painted, ready = _window()
        torch_ready.append(ready)
        return painted

    if not budget.quick:  # a quick run judges nothing, so it skips the warming launches
        window(), _torch()  # warm the page cache: the first launch reads torch from disk
    torch_ready.clear()
    painted, torch_alone = alternate(window, _torch, budget.pairs)
    figure = Spread.of(ratios(painted, torch_alone))
    paint = Spread.of(painted)
    return [
        CaseResult(
            NAME,
            "first paint of main.py ÷ import torch",
            figure,
            "",
            f"window < {TARGET_S} s, well before torch",
            paint.median < TARGET_S and figure.median < 0.75,
            [
                f"window painted after {paint.median:.2f} s (max {paint.high:.2f} s); "
                f"`python -c 'import torch'` {Spread.of(torch_alone).median:.2f} s; the "
                f"window's own torch import done after {Spread.of(torch_ready).median:.2f} s"
            ],
        )
    ]
