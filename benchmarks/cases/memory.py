"""Peak RSS of a 50-epoch run ÷ a 1-epoch run, each in a fresh interpreter: headless
(the trainer) and in the window (every live view fed and painted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.harness import Budget, CaseResult, Spread, alternate, ratios

NAME = "memory"
TARGET = 1.2
PROBE = Path(__file__).resolve().parents[1] / "probes" / "memory.py"


def peak_mib(epochs: int, window: bool) -> float:
    command = [sys.executable, str(PROBE), str(epochs)] + (["--window"] if window else [])
    out = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    for line in out.stdout.splitlines():
        if line.startswith("peak_mib "):
            return float(line.split()[1])
    raise RuntimeError(f"the memory probe failed: {out.stderr.strip()[-500:]}")


def run(budget: Budget) -> list[CaseResult]:
    long = budget.scaled(50, 2)
    pairs = budget.pairs
    results = []
    for window, label in ((False, "trainer"), (True, "window")):
        many, one = alternate(
            lambda w=window: peak_mib(long, w), lambda w=window: peak_mib(1, w), pairs
        )
        figure = Spread.of(ratios(many, one))
        results.append(
            CaseResult(
                f"{NAME} ({label})",
                f"peak RSS, {long} epochs ÷ 1 epoch",
                figure,
                "×",
                f"≤ {TARGET}×",
                figure.median <= TARGET,
                [
                    f"{label}: {Spread.of(many).median:,.0f} MiB after {long} epochs, "
                    f"{Spread.of(one).median:,.0f} MiB after 1"
                ],
            )
        )
    return results
