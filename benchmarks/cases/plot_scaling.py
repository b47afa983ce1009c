"""Loss-plot redraw at 1,000,000 points ÷ at 1,000: the real ``LossView`` given a run's
history, redrawn from it and painted (``grab()`` renders the plot as the screen would).

The store normally thins a long run to 200,000 points; here it keeps all of them, so
the curves really hold a million points each.
"""

from __future__ import annotations

import math
import time

import numpy as np

from benchmarks.harness import Budget, CaseResult, Spread, alternate, ratios
from benchmarks.qt import application
from studio.core.training.events import TrainingStarted

NAME = "plot scaling"
TARGET = 10.0
SMALL = 1_000


def loss_view(points: int):
    """A shown LossView whose current run has ``points`` loss reports."""
    from studio.gui.plots.history import RunStore
    from studio.gui.plots.loss_view import LossView
    from studio.gui.plots.state import DashboardState

    store = RunStore(max_step_points=2 * points)
    steps_per_epoch = 1_000
    run, _ = store.start(
        TrainingStarted(
            epochs=max(1, points // steps_per_epoch),
            first_epoch=1,
            steps_per_epoch=steps_per_epoch,
            classes=[str(i) for i in range(10)],
            device="cpu",
            loss="cross_entropy",
        )
    )
    rng = np.random.default_rng(0)
    noise = rng.normal(0.0, 0.05, points)
    series = run.steps
    for step in range(points):
        series.append(step + 1, 2.3 * math.exp(-step / (points / 5)) + 0.05 + noise[step], 1e-3)
    view = LossView(DashboardState(store))
    view.resize(1000, 600)
    view.show()
    return view


def run(budget: Budget) -> list[CaseResult]:
    large = budget.scaled(1_000_000, 100_000)
    app = application()
    views = {n: loss_view(n) for n in (large, SMALL)}
    app.processEvents()

    def redraw_ms(n: int) -> float:
        view = views[n]
        start = time.perf_counter()
        view.redraw()
        view.graphics.grab()
        return 1000 * (time.perf_counter() - start)

    for n in views:
        redraw_ms(n)
    big, small = alternate(lambda: redraw_ms(large), lambda: redraw_ms(SMALL), budget.pairs * 2)
    figure = Spread.of(ratios(big, small))
    for view in views.values():
        view.close()
        view.deleteLater()
    app.processEvents()
    return [
        CaseResult(
            NAME,
            f"loss-plot redraw, {large:,} ÷ {SMALL:,} points",
            figure,
            "×",
            f"≤ {TARGET:.0f}×",
            figure.median <= TARGET,
            [
                f"redraw + paint: {Spread.of(big).median:.1f} ms at {large:,} points, "
                f"{Spread.of(small).median:.1f} ms at {SMALL:,}"
            ],
        )
    ]
