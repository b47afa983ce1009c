"""Which of the dashboard's tabs a task has: accuracy views for classes, error views for values.

A regression run has no accuracy, per-class bars or confusion matrix; it has MAE/R²
curves and a predicted-vs-true scatter instead. Its inputs are table rows, not images,
so the feature-map and prediction views (which draw the input as an image and name
its class) are hidden too. The tabs are hidden, not removed,
so switching back to a classification run restores them in their places.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from studio.gui.plots.regression_data import CLASSIFICATION, REGRESSION


class TaskTabs:
    """Shows one task's tabs and hides the other's; a hidden current tab gives way to its twin."""

    def __init__(
        self,
        tabs: QTabWidget,
        classification: list[QWidget],
        regression: list[QWidget],
        twins: dict[QWidget, QWidget],
    ) -> None:
        self._tabs = tabs
        self._views = {CLASSIFICATION: list(classification), REGRESSION: list(regression)}
        self._twins = {**twins, **{b: a for a, b in twins.items()}}
        self.task = ""
        self.show_task(CLASSIFICATION)

    def show_task(self, task: str) -> None:
        task = REGRESSION if task == REGRESSION else CLASSIFICATION
        if task == self.task:
            return
        self.task = task
        current = self._tabs.currentWidget()
        other = CLASSIFICATION if task == REGRESSION else REGRESSION
        for view in self._views[task]:
            self._tabs.setTabVisible(self._tabs.indexOf(view), True)
        if current in self._views[other]:
            self._tabs.setCurrentWidget(self._twins.get(current, self._tabs.widget(0)))
        for view in self._views[other]:
            self._tabs.setTabVisible(self._tabs.indexOf(view), False)

    def visible_views(self) -> list[QWidget]:
        """The views whose tabs are shown, in tab order."""
        return [
            self._tabs.widget(i) for i in range(self._tabs.count()) if self._tabs.isTabVisible(i)
        ]
