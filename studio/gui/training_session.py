"""Connects the training panel, the worker thread and the live views.

It turns trainer events into panel progress and dashboard updates, keeps the last
trained model (for export and predictions), and tells the window when a run starts
and ends so it can lock the architecture.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QWidget

from studio.core.errors import StudioError
from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    TrainingFailed,
    TrainingFinished,
    TrainingStarted,
)
from studio.gui.background import torch_loader
from studio.gui.i18n import diagnostic_text, translate_message
from studio.gui.plots.dashboard import STATUS_INTERVAL_S, TrainingDashboard
from studio.gui.plots.regression_data import REGRESSION, number, task_of
from studio.gui.workers import TrainingController

TABLE_DATASET = "csv"
"""Rows of a CSV table are not images: the views that draw inputs as pictures step aside."""

log = logging.getLogger(__name__)


class TrainingSession(QObject):
    """One place that knows whether a run is going and what the last model is."""

    runningChanged = Signal(bool)
    messageRaised = Signal(str)
    statusShown = Signal(str)
    """A line for the window's status bar (the switch of two-stage fine-tuning)."""

    def __init__(self, document, panel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._panel = panel
        self.controller = TrainingController(self)
        self.dashboard = TrainingDashboard()
        self.dashboard.setObjectName("trainingDashboard")
        self.speed_label = QLabel()
        self.speed_label.setObjectName("speedLabel")
        # A fixed size: a label whose size may change makes the status bar, and with it the
        # whole window, lay out again on each new text (four times a second while training).
        widest = self.tr("{rate} samples/s").format(rate="99,999,999")
        metrics = self.speed_label.fontMetrics()
        self.speed_label.setFixedSize(
            metrics.horizontalAdvance(widest) + 8, self.speed_label.sizeHint().height()
        )
        self.speed_label.setAutoFillBackground(True)  # opaque: repaints only itself
        self.model_file: Any = None
        self.trained: Any = None
        """The TrainedModel that predicts: the finished run's, the opened file's or the
        running network's latest weights, always with the architecture it trained with."""
        self._run_project: Any = None
        self._data_classes: list[str] = []
        self._torch_ready = False
        self._failure: str | None = None
        self._normalisation_values: tuple[tuple[float, ...], tuple[float, ...]] | None = None
        self._val_data: Any = None
        self._last_progress = -float("inf")
        self._position = (0, 0)
        """(epoch, global step) of the latest batch, for feature maps probed after a run."""

        panel.trainClicked.connect(self.start)
        panel.pauseToggled.connect(self.controller.set_paused)
        panel.stopClicked.connect(self.stop)
        self.controller.event.connect(self._on_event)
        self.controller.snapshot.connect(self._on_snapshot)
        self.controller.modelReady.connect(self.set_model_file)
        self.controller.dataReady.connect(self._on_data)
        self.controller.finished.connect(self._on_finished)
        self.controller.unfrozen.connect(self._on_unfrozen)
        self.dashboard.featureMapsRequested.connect(self._on_probe_requested)
        self.dashboard.prediction_view.ownImageReady.connect(self._on_own_image)
        document.settingsChanged.connect(self._refresh_context)
        document.projectReplaced.connect(self._refresh_context)
        document.model.reportChanged.connect(self._refresh_layer_names)
        self._refresh_layer_names()

        # One torch import per process, shared by every window; it starts after the
        # first paint of this window (or of any window, whichever comes first).
        loader = torch_loader()
        loader.when_ready(self._on_torch_ready)
        window = parent.window() if isinstance(parent, QWidget) else panel.window()
        loader.start_after_first_paint(window)

    @property
    def running(self) -> bool:
        return self.controller.running

    # --- start-up -------------------------------------------------------------------

    def _on_torch_ready(self) -> None:
        from studio.core.devices import available_devices

        self._torch_ready = True
        self._panel.set_devices(available_devices())
        import torch

        self._panel.set_gpu_count(torch.cuda.device_count() if torch.cuda.is_available() else 0)
        self._refresh_context()

    def _refresh_context(self) -> None:
        """Tell the validation about the loss and class count, once torch is loaded."""
        if not self._torch_ready:
            return
        from studio.core.data import describe_dataset

        project = self._doc.project
        try:
            info = describe_dataset(project.dataset)
            classes, task = info.classes, info.task
        except StudioError:
            classes, task = None, "classification"
        self._doc.model.set_training_context(
            project.training.loss, len(classes) if classes else None, task
        )
        self._panel.show_dataset(project.dataset)

    def _refresh_layer_names(self) -> None:
        report = self._doc.model.report
        names = []
        for layer in report.layers:
            shape = "×".join(map(str, layer.output_shape)) if layer.output_shape else "?"
            names.append(f"{layer.index} {layer.type} {shape}")
        self.dashboard.set_layer_names(names)

    # --- run control ----------------------------------------------------------------

    def start(self) -> bool:
        if self.running:
            return False
        report = self._doc.model.report
        if not report.ok:
            first = report.errors[0]
            self.messageRaised.emit(
                self.tr("The network cannot be trained yet. Layer {index}: {problem}").format(
                    index=first.index, problem=diagnostic_text(first)
                )
            )
            return False
        self._failure = None
        self._run_project = self._doc.project.copy()
        self.controller.start(self._doc.project, self.tensorboard_root(), self._panel.processes())
        self._panel.set_running(True)
        self._panel.progress.setRange(0, 0)  # busy until the data is loaded
        self._panel.progress.setFormat(self.tr("Loading data…"))
        self.runningChanged.emit(True)
        return True

    def tensorboard_root(self) -> Path | None:
        """``runs/`` beside the project file (or in the state folder for an unsaved one)
        when the project's TensorBoard setting is on; else None."""
        if not self._doc.project.training.tensorboard:
            return None
        from studio.core.training.tensorboard_log import DEFAULT_ROOT
        from studio.logs import user_state_dir

        folder = self._doc.path.parent if self._doc.path else user_state_dir()
        return folder / DEFAULT_ROOT

    def stop(self) -> None:
        self.controller.stop()

    def shutdown(self) -> None:
        if self.running:
            self.controller.shutdown()

    # --- events ---------------------------------------------------------------------

    def _on_event(self, event: Any) -> None:
        self.dashboard.handle_event(event)
        if isinstance(event, TrainingStarted):
            self._panel.show_started(event.epochs, event.first_epoch, event.steps_per_epoch)
            if event.notes:
                self._panel.progress_label.setText(" ".join(event.notes))
        elif isinstance(event, BatchProgress):
            self._position = (event.epoch, event.global_step)
            # The progress bar and speed follow the dashboard's status line (4 Hz), not the
            # trainer's 10 reports a second: each update repaints part of the window.
            now = time.monotonic()
            end_of_epoch = event.step == event.steps_per_epoch
            if now - self._last_progress < STATUS_INTERVAL_S and not end_of_epoch:
                return
            self._last_progress = now
            self._panel.show_batch(
                event.epoch, event.step, event.eta_seconds, event.samples_per_second
            )
            self.speed_label.setText(
                self.tr("{rate} samples/s").format(rate=f"{event.samples_per_second:,.0f}")
            )
        elif isinstance(event, EpochEnded) and task_of(event) == REGRESSION:
            self._panel.progress_label.setText(
                self.dashboard.regression_status.epoch(
                    event.epoch, event.val_loss, number(event.val_mae), number(event.val_r2)
                )
            )
        elif isinstance(event, EpochEnded):
            self._panel.progress_label.setText(
                self.tr("Epoch {epoch}: validation accuracy {accuracy} %, loss {loss}").format(
                    epoch=event.epoch,
                    accuracy=f"{100 * event.val_accuracy:.1f}",
                    loss=f"{event.val_loss:.4f}",
                )
            )
        elif isinstance(event, TrainingFailed):
            self._failure = event.message
            self.messageRaised.emit(
                translate_message(event.template, event.args) if event.template else event.message
            )
        elif isinstance(event, TrainingFinished):
            outcome = event.reason if event.reason in ("completed", "stopped") else "failed"
            best = event.best_val_accuracy
            values = {
                "accuracy": f"{100 * best:.1f}" if best is not None else "–",
                "epoch": event.best_epoch or "–",
            }
            run = self.dashboard.store.current
            if outcome != "failed" and run is not None and run.is_regression and run.best:
                text = self._regression_finish_text(outcome, run.best)
            elif outcome == "completed":
                text = self.tr(
                    "Finished: best validation accuracy {accuracy} % at epoch {epoch}"
                ).format(**values)
            elif event.reason == "stopped":
                text = self.tr(
                    "Stopped: best validation accuracy {accuracy} % at epoch {epoch}"
                ).format(**values)
            else:
                text = self._failure or self.tr("Training failed.")
            self._panel.show_finished(outcome, text)

    def _regression_finish_text(self, outcome: str, best: Any) -> str:
        """The panel's last line for a regression run: its lowest loss and that epoch's errors."""
        sentence = self.dashboard.regression_status.best(best)
        lead = self.tr("Finished.") if outcome == "completed" else self.tr("Stopped.")
        return f"{lead} {sentence}"

    def _on_unfrozen(self, event: Any) -> None:
        """Say in the status bar and under the progress bar that the second stage began."""
        lr = f"{event.lr:.3g}"
        if event.stages > 0:
            text = self.tr(
                "Epoch {epoch}: the last {n} stages of the backbone train from now on, at "
                "learning rate {lr}."
            ).format(epoch=event.epoch, n=event.stages, lr=lr)
        else:
            text = self.tr(
                "Epoch {epoch}: the frozen layers train from now on, at learning rate {lr}."
            ).format(epoch=event.epoch, lr=lr)
        self._panel.progress_label.setText(text)
        self.statusShown.emit(text)

    def _on_finished(self) -> None:
        self._panel.set_running(False)
        if self._panel.progress.maximum() == 0:
            self._panel.progress.setRange(0, 1)
        self.runningChanged.emit(False)

    # --- the trained model ----------------------------------------------------------

    def set_model_file(self, model_file: Any) -> None:
        """A finished run's or an opened file's model: it predicts from then on."""
        from studio.core.inference import TrainedModel

        self.model_file = model_file
        self._set_trained(TrainedModel.from_model_file(model_file) if model_file else None)

    def _set_trained(self, trained: Any) -> None:
        self.trained = trained
        self.dashboard.state.model = trained
        self.dashboard.set_predictor(self.predict if trained is not None else None)
        self.dashboard.prediction_view.model_changed()

    def show_saved_history(self, model_file: Any, name: str = "") -> None:
        """Show an opened model file's saved epochs in the views, as a finished run."""
        from studio.gui.plots.history import events_from_model_file

        project = getattr(model_file, "project", None)
        dataset = getattr(project, "dataset", None)
        self.dashboard.set_image_inputs(getattr(dataset, "name", "") != TABLE_DATASET)
        for event in events_from_model_file(model_file):
            self.dashboard.handle_event(event)
        if name:
            self.dashboard.name_current_run(name)

    def _on_data(self, data: Any) -> None:
        """Validation images for the gallery, the confusion matrix and the probe picker."""
        if data is None:
            return
        self._normalisation_values = (tuple(data.mean), tuple(data.std))
        self._data_classes = list(data.classes)
        self._val_data = data
        self.dashboard.set_image_inputs(data.name != TABLE_DATASET)
        self.dashboard.set_validation_data(
            data.val_images.numpy(),
            data.val_labels.numpy(),
            list(data.classes),
            native_shape=data.native_shape,
        )

    def _on_snapshot(self, state: dict) -> None:
        """Weights of the running network: predictions follow them with its own architecture."""
        from studio.core.inference import TrainedModel

        if self._run_project is None or self._normalisation_values is None:
            return
        mean, std = self._normalisation_values
        self._set_trained(TrainedModel(self._run_project, state, self._data_classes, mean, std))

    def save_model(self, path: str) -> None:
        from studio.core.io.model_file import save_model

        if self.model_file is None:
            raise StudioError("There is no trained model yet. Train the network first.")
        save_model(path, self.model_file)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities for uint8 images (N, *input), from the trained network."""
        if self.trained is None:
            raise StudioError("There is no trained model yet. Train the network first.")
        return self.trained.probabilities(images)

    def _on_probe_requested(self, probe_index: int) -> None:
        """While training the trainer captures the maps; otherwise probe the last model here."""
        if self.running:
            self.controller.request_feature_maps(probe_index)
            return
        if self.trained is None or self._val_data is None:
            return
        data = self._val_data
        index = max(0, min(probe_index, len(data.val_images) - 1))
        image = data.val_images[index]
        self.dashboard.handle_event(self._feature_maps(image, index))

    def _on_own_image(self, pixels: np.ndarray) -> None:
        """Without validation images, the person's own image is the feature-map probe."""
        if self.trained is None or self._val_data is not None or self.running:
            return
        self.dashboard.handle_event(self._feature_maps(pixels, -1))

    def _feature_maps(self, pixels: Any, index: int) -> Any:
        import torch

        from studio.core.training.events import FeatureMaps

        tensor = torch.as_tensor(np.asarray(pixels))
        run = self.dashboard.store.current
        last = run.epochs[-1] if run is not None and run.epochs else None
        try:
            image = tensor.reshape(self.trained.image_shape)
        except (StudioError, RuntimeError):
            image = tensor  # not an image-shaped input: shown as it is
        return FeatureMaps(
            epoch=last.epoch if last else 0,
            global_step=int(last.step) if last else 0,
            probe_index=index,
            image=(image.float() / 255).numpy(),
            maps=self.trained.feature_maps(tensor),
        )
