"""Shape inference of a 100-layer stack (the core's ``analyse``), and the same edit made in
the window: one parameter changed, through the undo stack, until the window has repainted."""

from __future__ import annotations

import statistics
import time

from benchmarks.harness import Budget, CaseResult, Spread
from studio.core.architecture import Architecture, Block
from studio.core.shapes import analyse

NAME = "validation"
TARGET_MS = 20.0
LAYERS = 100


def hundred_layers() -> Architecture:
    """A deep, valid CNN: 24 Conv/BatchNorm/ReLU/Dropout groups, then a classifier (100 layers)."""
    blocks: list[Block] = []
    for _ in range(24):
        blocks += [
            Block.create("Conv2d", out_channels=16, kernel_size=3, padding=1),
            Block.create("BatchNorm2d"),
            Block.create("ReLU"),
            Block.create("Dropout", p=0.1),
        ]
    blocks += [
        Block.create("MaxPool2d", kernel_size=2),
        Block.create("Flatten"),
        Block.create("Linear", out_features=64),
        Block.create("Linear", out_features=10),
    ]
    assert len(blocks) == LAYERS
    return Architecture((1, 28, 28), blocks)


def _ms(fn, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return times


def run(budget: Budget) -> list[CaseResult]:
    arch = hundred_layers()
    report = analyse(arch, "auto", 10)
    if report.errors:
        raise RuntimeError(f"the benchmark stack is invalid: {report.errors[0].message}")
    repeats = budget.scaled(50, 3)
    analyse(arch, "auto", 10)
    core = _ms(lambda: analyse(arch, "auto", 10), repeats)
    # A mistake near the top makes every later layer's shape unknown: the other path.
    broken = hundred_layers()
    broken.set_param(0, "kernel_size", 40)
    failing = _ms(lambda: analyse(broken, "auto", 10), repeats)
    details = [
        f"median of {repeats}: valid stack {statistics.median(core):.1f} ms, "
        f"with an error at layer 0 {statistics.median(failing):.1f} ms"
    ]
    details.append(_window_edit(arch, budget))
    figure = Spread.of(core + failing)
    return [
        CaseResult(
            NAME,
            f"analyse() of {LAYERS} layers",
            figure,
            " ms",
            f"< {TARGET_MS:.0f} ms",
            figure.high < TARGET_MS,
            details,
        )
    ]


def _window_edit(arch: Architecture, budget: Budget) -> str:
    """Change one kernel size in a window showing the 100-layer stack, until repainted."""
    from benchmarks.qt import application
    from studio.core.project import Project
    from studio.gui.main_window import MainWindow

    app = application()
    window = MainWindow(Project(arch))
    window.resize(1400, 860)
    window.show()
    app.processEvents()
    sizes = [3, 5]
    times = []
    for i in range(budget.scaled(20, 2)):
        start = time.perf_counter()
        window.document.set_param(40, "kernel_size", sizes[i % 2])
        app.processEvents()
        times.append(1000 * (time.perf_counter() - start))
    window.document.undo_stack.setClean()
    window.close()
    window.deleteLater()
    app.processEvents()
    return (
        f"the same edit in the window (undo stack, validation, cards repainted): median "
        f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms"
    )
