"""Training with the window open ÷ the headless trainer, and how late a 10 ms timer on the GUI
thread fires meanwhile.

The window side is the real ``MainWindow``: the run starts as if Train were pressed, the
dashboard's tabs are switched every half second so every live view is painted (feature
maps included, which the Feature maps tab requests while it is shown), and the epoch
speed comes from the run's own ``EpochEnded`` events, as on the headless side.
"""

from __future__ import annotations

import os
import time

import numpy as np

from benchmarks import workloads
from benchmarks.harness import Budget, CaseResult, Spread, alternate, ratios
from benchmarks.qt import application, cycle_tabs
from studio.core.training.events import EpochEnded

NAME = "views"
TARGET = 0.95
TICK_MS = 10
TAB_SWITCH_MS = 1000
P99_TARGET_MS, MAX_TARGET_MS = 20.0, 100.0


class WindowRun:
    """Training runs in one shown MainWindow, as a person trains again and again in a
    session, recording each run's speed and, with ``tick``, the GUI timer's lateness."""

    def __init__(self, epochs: int, *, tick: bool) -> None:
        self.project = workloads.project_with(epochs=epochs)
        self.tick = tick
        self.lateness_ms: list[float] = []
        self.gui_cpu_share: list[float] = []
        """CPU time of the GUI thread ÷ the run's wall time, one figure per run: the views'
        cost, which other processes' load moves far less than the speed ratio."""
        self.window = None

    def open(self) -> None:
        """Show the window now (the first call otherwise opens it)."""
        if self.window is None:
            self.window = self._open()

    def _open(self):
        from studio.gui.main_window import MainWindow

        app = application()
        window = MainWindow(self.project)
        window.resize(1400, 860)
        window.show()
        app.processEvents()
        self._rates: list[float] = []
        window.session.controller.event.connect(
            lambda e: (
                self._rates.append(e.samples_per_second) if isinstance(e, EpochEnded) else None
            )
        )
        return window

    def __call__(self) -> float:
        from PySide6.QtCore import QEventLoop, Qt, QTimer

        self.open()
        window, session = self.window, self.window.session
        self._rates.clear()
        last = [0.0]
        lateness: list[float] = []

        def tick() -> None:
            now = time.perf_counter()
            if last[0]:
                lateness.append(max(0.0, 1000 * (now - last[0]) - TICK_MS))
            last[0] = now

        ticker = QTimer()
        ticker.setTimerType(Qt.TimerType.PreciseTimer)
        ticker.setInterval(TICK_MS)
        ticker.timeout.connect(tick)
        loop = QEventLoop()
        session.controller.finished.connect(loop.quit)
        if self.tick:
            ticker.start()
        switcher = cycle_tabs(session.dashboard.tabs, TAB_SWITCH_MS)
        cpu_before, wall_before = time.thread_time(), time.perf_counter()
        window.start_training()
        loop.exec()
        gui_cpu = time.thread_time() - cpu_before
        wall = time.perf_counter() - wall_before
        ticker.stop()
        switcher.stop()
        session.controller.finished.disconnect(loop.quit)
        self.lateness_ms.extend(lateness)
        if not self._rates:
            raise RuntimeError("the window's training run ended without an epoch")
        self.gui_cpu_share.append(gui_cpu / max(wall, 1e-9))
        return float(np.mean(self._rates))

    def close(self) -> None:
        if self.window is not None:
            self.window.document.undo_stack.setClean()
            self.window.close()
            self.window.deleteLater()
            application().processEvents()
            self.window = None


def headless_rate(epochs: int) -> float:
    """The trainer as the CLI runs it, with all cores, on a thread of its own."""
    return workloads.trainer_rate(
        workloads.project_with(epochs=epochs),
        workloads.default_data(),
        num_threads=os.cpu_count() or 1,
        own_thread=True,
    )


def run(budget: Budget) -> list[CaseResult]:
    from studio.gui.background import keep_this_thread_single_threaded

    keep_this_thread_single_threaded()
    epochs = budget.scaled(10, 1)
    window_run = WindowRun(epochs, tick=False)
    window_run()  # warm-up: imports, the first showing of every view, first optimizer
    window_run.gui_cpu_share.clear()
    shown, headless = alternate(window_run, lambda: headless_rate(epochs), budget.pairs)
    gui_cpu = Spread.of([100 * share for share in window_run.gui_cpu_share])
    window_run.close()
    ticking = WindowRun(epochs, tick=True)
    for _ in range(budget.pairs):
        ticking()
    ticking.close()
    late = np.asarray(ticking.lateness_ms)
    figure = Spread.of(ratios(shown, headless))
    p99 = float(np.percentile(late, 99)) if late.size else 0.0
    worst = float(late.max()) if late.size else 0.0
    views = CaseResult(
        NAME,
        "window + live views ÷ headless (speed)",
        figure,
        "",
        f"≥ {TARGET}",
        figure.median >= TARGET,
        [
            f"{epochs} epochs: window {Spread.of(shown).median:,.0f} samples/s, headless "
            f"{Spread.of(headless).median:,.0f} samples/s; tabs switched every "
            f"{TAB_SWITCH_MS} ms",
            f"GUI thread busy {gui_cpu.median:.1f} % of the run "
            f"({gui_cpu.low:.1f}–{gui_cpu.high:.1f} %, n={gui_cpu.n}; CPU time ÷ wall time, "
            f"the views' cost, far less moved by other processes' load than the ratio)",
        ],
    )
    responsiveness = CaseResult(
        "responsiveness",
        f"lateness of a {TICK_MS} ms GUI timer, p99",
        Spread(p99, p99, worst, int(late.size)),
        " ms",
        f"p99 < {P99_TARGET_MS:.0f} ms, max < {MAX_TARGET_MS:.0f} ms",
        p99 < P99_TARGET_MS and worst < MAX_TARGET_MS,
        [
            f"over {late.size} ticks in {budget.pairs} runs of {epochs} epochs in the window, "
            f"tabs switched every {TAB_SWITCH_MS} ms: median "
            f"{np.median(late) if late.size else 0:.2f} ms, p99 {p99:.1f} ms, max {worst:.1f} ms"
        ],
        spread=f"max {worst:.1f} ms (n={late.size})",
    )
    return [views, responsiveness]
