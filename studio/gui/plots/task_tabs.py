"""Which of the dashboard's tabs a run has: accuracy views for classes, error views for values,
and the image views only when the inputs are images.

A regression run has no accuracy, per-class bars or confusion matrix; it has MAE/R²
curves and a predicted-vs-true scatter instead. Table rows (a CSV dataset) are not
images, so the feature-map and prediction views, which draw the input as a picture,
are hidden for them. Tabs are hidden, not removed: switching back restores them in
their places.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from studio.gui.plots.regression_data import CLASSIFICATION, REGRESSION


class TaskTabs:
    """Shows the tabs that fit the run; a hidden current tab gives way to its twin."""

    def __init__(
        self,
        tabs: QTabWidget,
        classification: list[QWidget],
        regression: list[QWidget],
        image_views: list[QWidget],
        twins: dict[QWidget, QWidget],
    ) -> None:
        self._tabs = tabs
        self._views = {CLASSIFICATION: list(classification), REGRESSION: list(regression)}
        self._image_views = list(image_views)
        self._twins = {**twins, **{b: a for a, b in twins.items()}}
        self.task = CLASSIFICATION
        self.images = True
        self._apply()

    def show_task(self, task: str) -> None:
        task = REGRESSION if task == REGRESSION else CLASSIFICATION
        if task != self.task:
            self.task = task
            self._apply()

    def show_images(self, images: bool) -> None:
        """Whether the inputs are images (the feature-map and prediction views apply)."""
        if images != self.images:
            self.images = images
            self._apply()

    def _wanted(self) -> set[QWidget]:
        wanted = set(self._views[self.task])
        if self.images and self.task == CLASSIFICATION:
            wanted.update(self._image_views)
        return wanted

    def _apply(self) -> None:
        wanted = self._wanted()
        every = {*self._views[CLASSIFICATION], *self._views[REGRESSION], *self._image_views}
        current = self._tabs.currentWidget()
        for view in wanted:
            self._tabs.setTabVisible(self._tabs.indexOf(view), True)
        if current in every and current not in wanted:
            twin = self._twins.get(current)
            self._tabs.setCurrentWidget(twin if twin in wanted else self._tabs.widget(0))
        for view in every - wanted:
            self._tabs.setTabVisible(self._tabs.indexOf(view), False)

    def visible_views(self) -> list[QWidget]:
        """The views whose tabs are shown, in tab order."""
        return [
            self._tabs.widget(i) for i in range(self._tabs.count()) if self._tabs.isTabVisible(i)
        ]
