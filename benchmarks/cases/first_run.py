"""The first training run of a fresh window: how late a 10 ms GUI timer fires from the
Train click on, when nothing has been warmed by an earlier run.

Each run is a fresh interpreter (``probes/first_run.py``): the window opens, Train is
pressed once its background torch import is done, and the dashboard's tabs switch every
second as in the ``views`` case. The warm figure is that case's ``responsiveness`` row.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from benchmarks.harness import Budget, CaseResult, Spread

NAME = "first-run"
PROBE = Path(__file__).resolve().parents[1] / "probes" / "first_run.py"
P99_TARGET_MS, MAX_TARGET_MS = 20.0, 100.0


def first_run(epochs: int) -> list[float]:
    """The lateness (ms) of every tick of one fresh window's first run."""
    out = subprocess.run(
        [sys.executable, str(PROBE), str(epochs)],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ | {"QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
    )
    lines = [line for line in out.stdout.splitlines() if line.startswith("lateness ")]
    if not lines:
        raise RuntimeError(f"the first-run probe failed: {out.stderr.strip()[-800:]}")
    return [float(v) for v in json.loads(lines[-1][len("lateness ") :])]


def run(budget: Budget) -> list[CaseResult]:
    epochs = budget.scaled(10, 1)
    runs = [np.asarray(first_run(epochs)) for _ in range(budget.pairs)]
    late = np.concatenate(runs)
    p99 = float(np.percentile(late, 99)) if late.size else 0.0
    worst = float(late.max()) if late.size else 0.0
    maxima = [float(r.max()) for r in runs if r.size]
    p99s = [float(np.percentile(r, 99)) for r in runs if r.size]
    return [
        CaseResult(
            NAME,
            "lateness of a 10 ms GUI timer in a fresh window's first run, p99",
            Spread(p99, min(p99s), max(p99s), len(runs)),
            " ms",
            f"p99 < {P99_TARGET_MS:.0f} ms, max < {MAX_TARGET_MS:.0f} ms",
            p99 < P99_TARGET_MS and worst < MAX_TARGET_MS,
            [
                f"{len(runs)} fresh windows, each one run of {epochs} epochs from the Train "
                f"click, {late.size} ticks: p99 {p99:.1f} ms (per run "
                f"{', '.join(f'{v:.0f}' for v in p99s)}), max {worst:.0f} ms (per run "
                f"{', '.join(f'{v:.0f}' for v in maxima)})"
            ],
            spread=f"max {worst:.0f} ms (per-run max median {np.median(maxima):.0f} ms)",
        )
    ]
