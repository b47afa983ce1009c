"""Connects the training panel, the worker thread and the live views.

It turns trainer events into panel progress and dashboard updates, keeps the last
trained model (for export and predictions), and tells the window when a run starts
and ends so it can lock the architecture.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from studio.core.errors import StudioError
from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    TrainingFailed,
    TrainingFinished,
    TrainingStarted,
)
from studio.gui.background import TorchLoader
from studio.gui.i18n import diagnostic_text, translate_message
from studio.gui.plots.dashboard import STATUS_INTERVAL_S, TrainingDashboard
from studio.gui.workers import TrainingController

log = logging.getLogger(__name__)


class TrainingSession(QObject):
    """One place that knows whether a run is going and what the last model is."""

    runningChanged = Signal(bool)
    messageRaised = Signal(str)

    def __init__(self, document, panel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._panel = panel
        self.controller = TrainingController(self)
        self.dashboard = TrainingDashboard()
        self.dashboard.setObjectName("trainingDashboard")
        self.speed_label = QLabel()
        self.speed_label.setObjectName("speedLabel")
        self.model_file: Any = None
        self._state: dict | None = None
        self._model_cache: Any = None
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
        self.dashboard.featureMapsRequested.connect(self._on_probe_requested)
        document.settingsChanged.connect(self._refresh_context)
        document.projectReplaced.connect(self._refresh_context)
        document.model.reportChanged.connect(self._refresh_layer_names)
        self._refresh_layer_names()

        self._loader = TorchLoader(self)
        self._loader.ready.connect(self._on_torch_ready)
        self._loader.start()

    @property
    def running(self) -> bool:
        return self.controller.running

    # --- start-up -------------------------------------------------------------------

    def _on_torch_ready(self) -> None:
        from studio.core.devices import available_devices

        self._torch_ready = True
        self._panel.set_devices(available_devices())
        self._refresh_context()

    def _refresh_context(self) -> None:
        """Tell the validation about the loss and class count, once torch is loaded."""
        if not self._torch_ready:
            return
        from studio.core.data import describe_dataset

        project = self._doc.project
        try:
            classes = describe_dataset(project.dataset).classes
        except StudioError:
            classes = None
        self._doc.model.set_training_context(
            project.training.loss, len(classes) if classes else None
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
                self.tr("The network cannot be trained yet. Layer %1: %2")
                .replace("%1", str(first.index))
                .replace("%2", diagnostic_text(first))
            )
            return False
        resume = None
        self._failure = None
        self.controller.start(self._doc.project, resume)
        self._panel.set_running(True)
        self._panel.progress.setRange(0, 0)  # busy until the data is loaded
        self._panel.progress.setFormat(self.tr("Loading data…"))
        self.runningChanged.emit(True)
        return True

    def stop(self) -> None:
        self.controller.stop()

    def shutdown(self) -> None:
        if self.running:
            self.controller.shutdown(timeout_ms=5000)

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
                self.tr("%1 samples/s").replace("%1", f"{event.samples_per_second:,.0f}")
            )
        elif isinstance(event, EpochEnded):
            self._panel.progress_label.setText(
                self.tr("Epoch %1: validation accuracy %2 %, loss %3")
                .replace("%1", str(event.epoch))
                .replace("%2", f"{100 * event.val_accuracy:.1f}")
                .replace("%3", f"{event.val_loss:.4f}")
            )
        elif isinstance(event, TrainingFailed):
            self._failure = event.message
            self.messageRaised.emit(
                translate_message(event.template, event.args) if event.template else event.message
            )
        elif isinstance(event, TrainingFinished):
            outcome = event.reason if event.reason in ("completed", "stopped") else "failed"
            if outcome == "completed":
                text = self.tr("Finished: best validation accuracy %1 % at epoch %2")
            elif event.reason == "stopped":
                text = self.tr("Stopped: best validation accuracy %1 % at epoch %2")
            else:
                text = self._failure or self.tr("Training failed.")
            best = event.best_val_accuracy
            text = text.replace("%1", f"{100 * best:.1f}" if best is not None else "–").replace(
                "%2", str(event.best_epoch or "–")
            )
            self._panel.show_finished(outcome, text)

    def _on_finished(self) -> None:
        self._panel.set_running(False)
        if self._panel.progress.maximum() == 0:
            self._panel.progress.setRange(0, 1)
        self.runningChanged.emit(False)

    # --- the trained model ----------------------------------------------------------

    def set_model_file(self, model_file: Any) -> None:
        self.model_file = model_file
        self._state = dict(model_file.state_dict) if model_file is not None else None
        self._model_cache = None
        self.dashboard.set_predictor(self.predict if model_file is not None else None)

    def show_saved_history(self, model_file: Any) -> None:
        """Show an opened model file's saved epochs in the views, as a finished run."""
        from studio.gui.plots.history import events_from_saved_metrics

        resume = model_file.resume if isinstance(model_file.resume, dict) else {}
        plan = resume.get("plan") if isinstance(resume.get("plan"), dict) else {}
        steps = plan.get("steps_per_epoch")
        steps = steps if isinstance(steps, int) else None
        metrics, classes = list(model_file.metrics), list(model_file.classes)
        for event in events_from_saved_metrics(metrics, classes, steps):
            self.dashboard.handle_event(event)

    def _on_data(self, data: Any) -> None:
        """Validation images for the gallery, the confusion matrix and the probe picker."""
        if data is None:
            return
        self._normalisation_values = (tuple(data.mean), tuple(data.std))
        self._val_data = data
        self.dashboard.set_validation_data(
            data.val_images.numpy(),
            data.val_labels.numpy(),
            list(data.classes),
            native_shape=data.native_shape,
        )

    def _on_snapshot(self, state: dict) -> None:
        self._state = state
        self._model_cache = None
        self.dashboard.set_predictor(self.predict)

    def save_model(self, path: str) -> None:
        from studio.core.io.model_file import save_model

        if self.model_file is None:
            raise StudioError("There is no trained model yet. Train the network first.")
        save_model(path, self.model_file)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities for uint8 images (N,C,H,W), with the latest weights."""
        import torch

        from studio.core.data import normalise

        if self._state is None:
            raise StudioError("There is no trained model yet. Train the network first.")
        model = self._current_model()
        mean, std = self._normalisation()
        x = normalise(torch.as_tensor(images), mean, std)
        with torch.inference_mode():
            out = model(x)
            if self._doc.architecture.blocks and self._doc.architecture.blocks[-1].type in (
                "Softmax",
                "LogSoftmax",
            ):
                probs = out.exp() if self._doc.architecture.blocks[-1].type == "LogSoftmax" else out
            else:
                probs = out.softmax(dim=1)
        return probs.numpy()

    def _current_model(self) -> Any:
        """The network with the latest weights, built once per snapshot."""
        if self._state is None:
            raise StudioError("There is no trained model yet. Train the network first.")
        if self._model_cache is None:
            model = self._doc.architecture.build()
            model.load_state_dict(self._state)
            self._model_cache = model.eval()
        return self._model_cache

    def _normalisation(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        if self.model_file is not None and self.model_file.mean:
            return self.model_file.mean, self.model_file.std
        if self._normalisation_values is not None:
            return self._normalisation_values
        raise StudioError("The model's input normalisation is not known yet.")

    def _on_probe_requested(self, probe_index: int) -> None:
        """While training the trainer captures the maps; otherwise probe the last model here."""
        if self.running:
            self.controller.request_feature_maps(probe_index)
            return
        if self._state is None or self._val_data is None:
            return
        from studio.core.data import normalise
        from studio.core.training.events import FeatureMaps
        from studio.core.training.probe import capture_feature_maps

        data = self._val_data
        index = max(0, min(probe_index, len(data.val_images) - 1))
        image = data.val_images[index : index + 1]
        try:
            model = self._current_model()
        except StudioError:
            return
        maps = capture_feature_maps(model, normalise(image, data.mean, data.std))
        self.dashboard.handle_event(
            FeatureMaps(
                epoch=self._position[0],
                global_step=self._position[1],
                probe_index=index,
                image=(image[0].float() / 255).numpy(),
                maps=maps,
            )
        )
