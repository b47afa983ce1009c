"""All live training views in one widget, fed by trainer events at any rate.

``handle_event`` only stores data and marks views dirty; one QTimer redraws the
dirty, visible views at most ~30 times a second, however fast events arrive.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio.core.clock import format_clock
from studio.core.errors import StudioError
from studio.core.training import events as training_events
from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    FeatureMaps,
    TrainingFailed,
    TrainingFinished,
    TrainingStarted,
    Unfrozen,
)
from studio.gui.i18n import error_text
from studio.gui.plots.accuracy_view import AccuracyView
from studio.gui.plots.class_accuracy_view import ClassAccuracyView
from studio.gui.plots.confusion_view import ConfusionView
from studio.gui.plots.export import write_metrics_csv, write_png
from studio.gui.plots.feature_map_view import FeatureMapView
from studio.gui.plots.history import DEFAULT_MAX_STEP_POINTS, Run, RunStore
from studio.gui.plots.loss_view import LossView
from studio.gui.plots.prediction_view import PredictionView
from studio.gui.plots.regression_status import RegressionStatus
from studio.gui.plots.regression_view import RegressionCurvesView
from studio.gui.plots.runs_panel import RunsPanel
from studio.gui.plots.scatter_view import ScatterView
from studio.gui.plots.state import DashboardState, Predictor, ValidationSet
from studio.gui.plots.task_tabs import TaskTabs
from studio.gui.plots.view_base import DashboardView
from studio.gui.widgets.steady_label import SteadyLabel

log = logging.getLogger(__name__)

REDRAW_INTERVAL_MS = 33
STATUS_INTERVAL_S = 0.25
"""The status line changes at most four times a second: more is unreadable and costs paints."""
FEATURE_MAPS_EVERY_S = 2.0
"""While the feature maps are on screen during training, ask for fresh ones this often."""
EARLIER_RUNS_SHOWN = 3
"""Earlier runs whose curves a new run shows beside its own; older ones start hidden."""
_PAUSED = getattr(training_events, "TrainingPaused", ())
_RESUMED = getattr(training_events, "TrainingResumed", ())


class TrainingDashboard(QWidget):
    """Loss, accuracy, per-class accuracy, confusion matrix, feature maps and predictions."""

    featureMapsRequested = Signal(int)
    """The person picked another validation image as the feature-map probe."""

    def __init__(
        self, parent: QWidget | None = None, max_step_points: int = DEFAULT_MAX_STEP_POINTS
    ) -> None:
        super().__init__(parent)
        self.setObjectName("trainingDashboard")
        self.store = RunStore(max_step_points=max_step_points)
        self.state = DashboardState(self.store)
        self.redraw_count = 0
        """Timer ticks that redrew at least one view (the throttle's own counter)."""

        self.loss_view = LossView(self.state)
        self.accuracy_view = AccuracyView(self.state)
        self.class_view = ClassAccuracyView(self.state)
        self.confusion_view = ConfusionView(self.state)
        self.feature_view = FeatureMapView(self.state)
        self.prediction_view = PredictionView(self.state)
        self.feature_view.probeRequested.connect(self.featureMapsRequested)
        self.views: list[DashboardView] = [
            self.loss_view,
            self.accuracy_view,
            self.class_view,
            self.confusion_view,
            self.feature_view,
            self.prediction_view,
        ]

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dashboardTabs")
        self.tabs.setAccessibleName(self.tr("Training views"))
        self.tabs.addTab(self.loss_view, self.tr("Loss"))
        self.tabs.addTab(self.accuracy_view, self.tr("Accuracy"))
        self.tabs.addTab(self.class_view, self.tr("Per class"))
        self.tabs.addTab(self.confusion_view, self.tr("Confusion matrix"))
        self.tabs.addTab(self.feature_view, self.tr("Feature maps"))
        self.tabs.addTab(self.prediction_view, self.tr("Predictions"))
        self._add_regression_views()

        self.runs_panel = RunsPanel()
        self.runs_panel.visibilityChanged.connect(self.set_run_visible)
        self.png_button = QPushButton(self.tr("Save plot as PNG…"))
        self.png_button.setObjectName("savePlotButton")
        self.png_button.setAccessibleName(self.tr("Save the plot shown as a PNG image"))
        self.png_button.clicked.connect(self._save_png_dialog)
        self.csv_button = QPushButton(self.tr("Save metrics as CSV…"))
        self.csv_button.setObjectName("saveMetricsButton")
        self.csv_button.setAccessibleName(self.tr("Save the selected run's metrics as CSV"))
        self.csv_button.clicked.connect(self._save_csv_dialog)
        side = QGroupBox(self.tr("Runs"))
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(self.runs_panel, 1)
        side_layout.addWidget(self.png_button)
        side_layout.addWidget(self.csv_button)

        self.status = SteadyLabel(self.tr("Press Train to watch the network learn."), lines=2)
        self.status.setObjectName("dashboardStatus")
        self.status.setAccessibleName(self.tr("Training status"))

        splitter = QSplitter()
        splitter.addWidget(self.tabs)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 5)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 250])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        top.addWidget(self.status.holder, 1)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._on_tick)
        self._status_dirty = False
        self._last_status = -float("inf")
        self._runs_dirty = False
        self._paused = False
        self._last_maps_request = -float("inf")
        self.tabs.currentChanged.connect(self._on_tab_changed)

    def _add_regression_views(self) -> None:
        """MAE/R² curves and the scatter, after the loss tab; shown instead of the accuracy
        views for a regression run (``TaskTabs`` decides which tabs a run has)."""
        self.regression_view = RegressionCurvesView(self.state)
        self.scatter_view = ScatterView(self.state)
        self.views += [self.regression_view, self.scatter_view]
        self.tabs.insertTab(1, self.regression_view, self.tr("MAE and R²"))
        self.tabs.insertTab(2, self.scatter_view, self.tr("Predicted vs true"))
        self.task_tabs = TaskTabs(
            self.tabs,
            [self.accuracy_view, self.class_view, self.confusion_view],
            [self.regression_view, self.scatter_view],
            [self.feature_view, self.prediction_view],
            {self.accuracy_view: self.regression_view, self.confusion_view: self.scatter_view},
        )
        self.regression_status = RegressionStatus(self)

    # --- feeding ------------------------------------------------------------------

    def handle_event(self, event: object) -> None:
        """Store one trainer event and mark the views it changes; never draws."""
        if isinstance(event, BatchProgress):
            self.store.add_batch(event)
            self._mark(self.loss_view)
            self._request_feature_maps_if_due()
        elif isinstance(event, EpochEnded):
            self.store.add_epoch(event)
            self.state.invalidate_predictions()
            self._mark(
                self.loss_view,
                self.accuracy_view,
                self.class_view,
                self.confusion_view,
                self.prediction_view,
                self.regression_view,
                self.scatter_view,
            )
            self.task_tabs.show_task(self.store.current.task)
            self._runs_dirty = True
            self._request_feature_maps_if_due(force=True)
        elif isinstance(event, FeatureMaps):
            self.state.feature_maps = event
            self._mark(self.feature_view)
        elif isinstance(event, TrainingStarted):
            self._paused = False
            run, is_new = self.store.start(event)
            if is_new:
                self.state.hide_older_runs(run.number, EARLIER_RUNS_SHOWN)
            self.task_tabs.show_task(getattr(event, "task", ""))
            self._mark(*self.views)
            self._runs_dirty = True
        elif isinstance(event, TrainingFinished):
            self.store.finish(event)
            self._runs_dirty = True
        elif isinstance(event, Unfrozen):
            self.store.add_unfrozen(event)
            self._mark(self.loss_view)
        elif isinstance(event, TrainingFailed):
            self.store.fail(event)
            self._runs_dirty = True
        elif isinstance(event, (_PAUSED, _RESUMED)):
            self._paused = isinstance(event, _PAUSED)
        else:
            return
        self._status_dirty = True
        self._schedule()

    def _mark(self, *views: DashboardView) -> None:
        for view in views:
            view.mark_dirty()

    def _schedule(self) -> None:
        """Tick soon; a timer resting until a throttled view is due is woken for new work."""
        resting = self._timer.remainingTime() > REDRAW_INTERVAL_MS
        if not self._timer.isActive() or (resting and self._next_due() == 0.0):
            self._timer.start(REDRAW_INTERVAL_MS)

    def _next_due(self) -> float | None:
        """Seconds until something on screen should be redrawn, or None when nothing waits."""
        waits = [w for w in (view.seconds_until_due() for view in self.views) if w is not None]
        if self._status_dirty:
            waits.append(max(0.0, self._last_status + STATUS_INTERVAL_S - time.monotonic()))
        return min(waits) if waits else None

    def _on_tick(self) -> None:
        redrew = False
        for view in self.views:
            redrew |= view.refresh_if_dirty()
        now = time.monotonic()
        run = self.store.current
        settled = run is None or not run.running
        if self._status_dirty and (settled or now - self._last_status >= STATUS_INTERVAL_S):
            self._status_dirty = False
            self._last_status = now
            self._update_status()
        if self._runs_dirty:
            self._runs_dirty = False
            self.runs_panel.sync(self.store.runs, self.state.hidden_runs)
        if redrew:
            self.redraw_count += 1
        # Sleep until the next view is due rather than ticking 30 times a second while the
        # loss plot waits out its half second (that idle ticking was ~1 % of a core).
        due = self._next_due()
        if due is None:
            self._timer.stop()
        else:
            self._timer.start(max(REDRAW_INTERVAL_MS, round(1000 * due)))

    def _request_feature_maps_if_due(self, force: bool = False) -> None:
        """Ask for the probe's activations while they are on screen: every few seconds and
        at each epoch end; never when nobody looks (the trainer then skips the capture)."""
        if not self.feature_view.isVisible():
            return
        now = time.monotonic()
        if not force and now - self._last_maps_request < FEATURE_MAPS_EVERY_S:
            return
        self._last_maps_request = now
        self.featureMapsRequested.emit(self.feature_view.probe_spin.value())

    def _on_tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is not self.feature_view:
            return
        run = self.store.current
        maps = self.state.feature_maps
        stale = maps is None or (
            run is not None
            and run.last_batch is not None
            and maps.global_step < run.last_batch.global_step
        )
        if stale:
            self._request_feature_maps_if_due(force=True)

    def flush(self) -> None:
        """Redraw every dirty view now, shown or not (before an export, and in tests)."""
        for view in self.views:
            view.refresh_if_dirty(force=True)
        self._update_status()
        self.runs_panel.sync(self.store.runs, self.state.hidden_runs)
        self._status_dirty = self._runs_dirty = False

    # --- settings from the window ---------------------------------------------------

    def set_validation_data(
        self,
        images: np.ndarray,
        labels: np.ndarray,
        classes: list[str],
        native_shape: tuple[int, ...] | None = None,
    ) -> None:
        """The validation images (uint8, as the network takes them), labels and class names."""
        self.state.validation = ValidationSet(
            # a streamed folder's images stay on disk: the views decode the few they show
            images=images if getattr(images, "streamed", False) else np.asarray(images),
            labels=np.asarray(labels).astype(np.int64),
            classes=list(classes),
            native_shape=tuple(native_shape) if native_shape is not None else None,
        )
        self.state.invalidate_predictions()
        self.feature_view.validation_changed()
        self.prediction_view.validation_changed()
        self._mark(self.confusion_view, self.prediction_view, self.feature_view)
        self._schedule()

    def set_image_inputs(self, images: bool) -> None:
        """Whether the network takes images: a table's rows get no feature-map or
        prediction gallery views."""
        self.task_tabs.show_images(images)

    def set_predictor(self, fn: Callable[[np.ndarray], np.ndarray] | None) -> None:
        """A function giving class probabilities (N, K) for uint8 images; None: no model."""
        self.state.predictor = fn
        self.state.invalidate_predictions()
        self._mark(self.prediction_view)
        self._schedule()

    def name_current_run(self, name: str) -> None:
        """Call the current run by its own name (an opened model file's) instead of a number."""
        run = self.store.current
        if run is not None:
            run.name = name
            run.version += 1
            self._runs_dirty = self._status_dirty = True
            self._mark(*self.views)
            self._schedule()

    @property
    def predictor(self) -> Predictor | None:
        return self.state.predictor

    def set_layer_names(self, names: list[str]) -> None:
        """Labels for the layer chooser, by layer index (e.g. ``3 Conv2d 16×10×10``)."""
        self.state.layer_names = list(names)
        self._mark(self.feature_view)
        self._schedule()

    @property
    def layer_names(self) -> list[str]:
        return list(self.state.layer_names)

    @layer_names.setter
    def layer_names(self, names: list[str]) -> None:
        self.set_layer_names(names)

    # --- runs ---------------------------------------------------------------------

    @property
    def runs(self) -> list[Run]:
        return list(self.store.runs)

    def set_run_visible(self, number: int, visible: bool) -> None:
        """Show or hide a run's curves (by run number, 1 = the first run of the session)."""
        if visible:
            self.state.hidden_runs.discard(number)
        else:
            self.state.hidden_runs.add(number)
        self.loss_view.mark_dirty()
        self.accuracy_view.mark_dirty()
        self.regression_view.mark_dirty()
        self._runs_dirty = True
        self._schedule()

    # --- export -------------------------------------------------------------------

    def view(self, object_name: str) -> DashboardView:
        for view in self.views:
            if view.objectName() == object_name:
                return view
        raise KeyError(object_name)

    def export_plot_png(self, view_object_name: str, path: str | os.PathLike[str]) -> None:
        """Save one view (by object name, e.g. ``lossPlot``) as a PNG; raises StudioError."""
        view = self.view(view_object_name)
        write_png(view.export_image(), path)

    def export_metrics_csv(self, path: str | os.PathLike[str], run_index: int = -1) -> None:
        """Save a run's per-epoch metrics as CSV (``run_index`` into ``runs``; -1 = current)."""
        if not self.store.runs:
            raise StudioError("There are no metrics yet; train for an epoch first.")
        write_metrics_csv(self.store.runs[run_index], path)

    def _save_png_dialog(self) -> None:
        view = self.tabs.currentWidget()
        if not isinstance(view, DashboardView):
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save plot as PNG"),
            f"{view.objectName()}.png",
            self.tr("PNG image (*.png)"),
        )
        if path:
            self._guarded(lambda: self.export_plot_png(view.objectName(), path))

    def _save_csv_dialog(self) -> None:
        if not self.store.runs:
            QMessageBox.information(
                self, self.tr("No metrics yet"), self.tr("Train for an epoch first.")
            )
            return
        index = self.runs_panel.selected_run_index()
        number = self.store.runs[index].number
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save metrics as CSV"),
            f"run{number}_metrics.csv",
            self.tr("CSV file (*.csv)"),
        )
        if path:
            self._guarded(lambda: self.export_metrics_csv(path, index))

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except StudioError as error:
            QMessageBox.warning(self, self.tr("Could not save"), error_text(error))

    # --- status line ----------------------------------------------------------------

    def _update_status(self) -> None:
        run = self.store.current
        if run is None:
            return
        parts = [self.tr("Run {number}").format(number=run.label)]
        if run.failed is not None:
            self.status.setText(
                self.tr("Run {number} stopped: {message}").format(
                    number=run.label, message=run.failed.message
                )
            )
            return
        if run.finished is not None:
            done = run.finished
            sentence = (
                self.tr("Run {number} {reason} after {epochs} epoch in {time}.")
                if done.epochs_done == 1
                else self.tr("Run {number} {reason} after {epochs} epochs in {time}.")
            )
            text = sentence.format(
                number=run.label,
                reason=self._reason(done.reason),
                epochs=done.epochs_done,
                time=format_clock(done.seconds),
            )
            if run.is_regression:
                if run.best is not None:
                    text += " " + self.regression_status.best(run.best)
            elif done.best_epoch is not None and done.best_val_accuracy is not None:
                value = 100 * (
                    done.best_val_accuracy / 100
                    if done.best_val_accuracy > 1
                    else done.best_val_accuracy
                )
                text += " " + self.tr(
                    "Best validation accuracy: {value:.1f} % at epoch {epoch}."
                ).format(value=value, epoch=done.best_epoch)
            self.status.setText(text)
            return
        batch = run.last_batch
        if self._paused:
            parts.append(self.tr("paused"))
        if batch is not None:
            parts.append(
                self.tr("epoch {epoch} of {total}").format(
                    epoch=batch.epoch, total=run.total_epochs
                )
            )
            parts.append(
                self.tr("batch {step} of {steps}").format(
                    step=batch.step, steps=batch.steps_per_epoch
                )
            )
            parts.append(self.tr("loss {loss:.4f}").format(loss=batch.loss))
            parts.append(self.tr("{rate:,.0f} samples/s").format(rate=batch.samples_per_second))
            parts.append(self.tr("{time} left").format(time=format_clock(batch.eta_seconds)))
        if run.epochs and run.is_regression:
            parts.append(self.regression_status.metrics(run.epochs[-1]))
        elif run.epochs:
            last = run.epochs[-1]
            parts.append(
                self.tr("validation accuracy {value:.1f} %").format(value=100 * last.val_accuracy)
            )
        self.status.setText(" · ".join(parts))

    def _reason(self, reason: str) -> str:
        return {
            "completed": self.tr("completed"),
            "stopped": self.tr("was stopped"),
            "failed": self.tr("failed"),
        }.get(reason, reason)
