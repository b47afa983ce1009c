"""The benchmark suite stays runnable: ``--quick`` runs every case once, without judging
any timing (timings belong in benchmarks, never in tests)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from benchmarks.cases import by_name
from benchmarks.harness import CaseResult, Spread, alternate, ratios, table
from tests.conftest import ROOT


def test_alternate_runs_pairs_in_abba_order() -> None:
    calls: list[str] = []

    def measure(name: str, value: float):
        def run() -> float:
            calls.append(name)
            return value

        return run

    a, b = alternate(measure("A", 2.0), measure("B", 4.0), 4)
    assert calls == ["A", "B", "B", "A", "A", "B", "B", "A"]
    assert ratios(a, b) == [0.5] * 4


def test_spread_and_table_report_median_range_and_targets() -> None:
    spread = Spread.of([1.0, 3.0, 2.0])
    assert (spread.median, spread.low, spread.high, spread.n) == (2.0, 1.0, 3.0, 3)
    row = CaseResult("engine", "A ÷ B", spread, "×", "≥ 1.5×", True, ["detail"])
    assert CaseResult.from_json(row.to_json()) == row
    text = table([row])
    assert "2.00×" in text and "1.00–3.00× (n=3)" in text and "yes" in text
    assert table([row], quick=True).splitlines()[-1].rstrip().endswith("–")
    assert table([row], markdown=True).startswith("| case |")


def test_quick_run_prints_a_row_for_every_case() -> None:
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    rows = {line.split("  ")[0].strip(): line for line in out.stdout.splitlines()}
    expected = [
        "engine",
        "input pipeline",
        "views",
        "responsiveness",
        "first-run",
        "start-up",
        "validation",
        "plot scaling",
        "time to accuracy",
        "memory (trainer)",
        "memory (window)",
        "streaming (memory)",
        "streaming (speed)",
        "feature cache",
    ]
    assert set(by_name()) <= {name.split(" (")[0] for name in expected}
    for name in expected:
        assert name in rows, out.stdout
        assert re.search(r"\d", rows[name].split("  ", 1)[1]), rows[name]  # a measured figure
    assert out.stdout.startswith("machine: ")
