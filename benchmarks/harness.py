"""Alternating A/B measurement, the result of a case, and the table they make."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Budget:
    """How long each case may run: the full figures, or a quick pass for CI."""

    quick: bool = False
    pairs: int = 5

    def scaled(self, full: int, quick: int) -> int:
        return quick if self.quick else full


@dataclass(frozen=True)
class Spread:
    """A median with the smallest and largest value it came from."""

    median: float
    low: float
    high: float
    n: int

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        if not values:
            raise ValueError("no values to summarise")
        return cls(statistics.median(values), min(values), max(values), len(values))


def alternate(
    measure_a: Callable[[], float], measure_b: Callable[[], float], pairs: int
) -> tuple[list[float], list[float]]:
    """Measure A and B ``pairs`` times each in ABBA order, so a drifting load favours neither."""
    a: list[float] = []
    b: list[float] = []
    for index in range(pairs):
        if index % 2 == 0:
            a.append(measure_a())
            b.append(measure_b())
        else:
            b.append(measure_b())
            a.append(measure_a())
    return a, b


def ratios(a: list[float], b: list[float]) -> list[float]:
    """A ÷ B pair by pair (each pair ran back to back)."""
    return [x / y for x, y in zip(a, b, strict=True)]


@dataclass
class CaseResult:
    """One row of the table: the figure, its target and whether it was met."""

    case: str
    measure: str
    figure: Spread
    unit: str
    target: str
    met: bool
    details: list[str] = field(default_factory=list)
    spread: str | None = None
    """Replaces the min–max text when the spread is better told another way."""

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> CaseResult:
        return cls(**{**data, "figure": Spread(**data["figure"])})

    def figure_text(self) -> str:
        return f"{_number(self.figure.median)}{self.unit}"

    def spread_text(self) -> str:
        if self.spread is not None:
            return self.spread
        f = self.figure
        return f"{_number(f.low)}–{_number(f.high)}{self.unit} (n={f.n})"


def _number(value: float) -> str:
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def table(results: list[CaseResult], *, markdown: bool = False, quick: bool = False) -> str:
    """The results as an aligned text table (or Markdown for docs/benchmarks.md)."""
    head = ["case", "measure", "median", "spread", "target", "met"]
    rows = [
        [
            r.case,
            r.measure,
            r.figure_text(),
            r.spread_text(),
            r.target,
            "–" if quick else ("yes" if r.met else "NO"),
        ]
        for r in results
    ]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    rule = "  ".join("-" * w for w in widths)
    title = "  ".join(cell.ljust(w) for cell, w in zip(head, widths, strict=True))
    return "\n".join([title, rule, *lines])


def machine() -> str:
    """Cores, CPU, Python, torch and Qt versions: what the figures came from."""
    import torch

    try:
        from PySide6 import __version__ as qt_version
    except ImportError:  # pragma: no cover - the GUI extra is always installed here
        qt_version = "none"
    return (
        f"{os.cpu_count()} cores, {_cpu_name()}, Python {platform.python_version()}, "
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"PySide6 {qt_version}, {sys.platform}"
    )


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"
