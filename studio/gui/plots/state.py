"""What all views share: the runs, the validation set, the model's predictor, the layer names."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from studio.core.errors import StudioError
from studio.core.training.events import FeatureMaps
from studio.gui.plots.history import RunStore
from studio.gui.plots.imaging import to_display

log = logging.getLogger(__name__)

Predictor = Callable[[np.ndarray], np.ndarray]
PREDICT_CHUNK = 256


class PredictionError(StudioError):
    """The current model could not classify some images."""


@dataclass
class ValidationSet:
    """Validation images as the network sees them (uint8), their labels and class names."""

    images: np.ndarray
    labels: np.ndarray
    classes: list[str]
    native_shape: tuple[int, ...] | None = None

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self.images.shape[1:])

    @property
    def image_shape(self) -> tuple[int, int, int] | None:
        """(C, H, W) of one image for display and drawing: the input's own, or the native one."""
        if len(self.input_shape) == 3:
            return self.input_shape  # type: ignore[return-value]
        if self.native_shape is not None and len(self.native_shape) == 3:
            return tuple(int(n) for n in self.native_shape)  # type: ignore[return-value]
        return None

    def display(self, index: int) -> np.ndarray:
        return to_display(self.images[index], self.image_shape)

    def class_name(self, index: int) -> str:
        return self.classes[index] if 0 <= index < len(self.classes) else str(index)


@dataclass
class Predictions:
    """Predicted class per validation image; probabilities when a predictor made them."""

    predicted: np.ndarray
    probabilities: np.ndarray | None
    epoch: int | None


class DashboardState:
    """The single place views read from; the dashboard writes events and settings here."""

    def __init__(self, store: RunStore) -> None:
        self.store = store
        self.validation: ValidationSet | None = None
        self.predictor: Predictor | None = None
        self.model: Any = None
        """The core's TrainedModel behind the predictor (its classes, image size, reading)."""
        self.layer_names: list[str] = []
        self.feature_maps: FeatureMaps | None = None
        self.hidden_runs: set[int] = set()
        """Run numbers whose curves are hidden; every view reads this one set."""
        self.auto_hidden: set[int] = set()
        """Runs hidden once because newer runs came (``hide_older_runs``); a run the person
        shows again is never hidden behind their back a second time."""
        self._predictions: Predictions | None = None
        self._predictions_key: tuple | None = None

    def hide_older_runs(self, newest: int, keep: int) -> None:
        """Hide the curves of runs older than the ``keep`` runs before run ``newest``.

        Every shown earlier run adds curves and a legend row to each frame of the live
        views, so a session of many runs painted ever slower and the legend grew past
        reading; the runs list shows them again with a click.
        """
        older = set(range(1, newest - keep))
        self.hidden_runs |= older - self.auto_hidden
        self.auto_hidden |= older

    def invalidate_predictions(self) -> None:
        self._predictions = None
        self._predictions_key = None

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Class probabilities (N, K) in chunks; PredictionError on failure."""
        if self.predictor is None:
            raise PredictionError("There is no model to ask yet; train one or open a model file.")
        parts = []
        try:
            for start in range(0, images.shape[0], PREDICT_CHUNK):
                chunk = np.ascontiguousarray(images[start : start + PREDICT_CHUNK])
                parts.append(np.asarray(self.predictor(chunk), dtype=np.float64))
        except StudioError as error:
            raise PredictionError(error.template, **error.args_map) from error
        except Exception as error:
            log.exception("The predictor failed")
            raise PredictionError(
                "The model could not classify these images ({reason}). "
                "Check that the network's input fits the dataset.",
                reason=str(error).splitlines()[0] if str(error) else type(error).__name__,
            ) from error
        if not parts:
            return np.zeros((0, 0), dtype=np.float64)
        return np.concatenate(parts, axis=0)

    def validation_predictions(self) -> Predictions | None:
        """Predictions for the whole validation set, cached until the next epoch or model change.

        Taken from the trainer's ``val_predictions`` when the last epoch carried
        them, else computed with the predictor. ``None`` when neither is possible.
        Raises PredictionError when the predictor fails.
        """
        validation = self.validation
        if validation is None or len(validation) == 0:
            return None
        run = self.store.current
        epoch = run.epochs[-1].epoch if run is not None and run.epochs else None
        key = (id(validation), id(self.predictor), run.number if run else 0, epoch)
        if self._predictions is not None and self._predictions_key == key:
            return self._predictions
        result: Predictions | None = None
        if (
            run is not None
            and run.val_predictions is not None
            and run.val_predictions.shape[0] == len(validation)
        ):
            result = Predictions(run.val_predictions.astype(np.int64), None, epoch)
        elif run is not None and run.running:
            # A run that trains waits for its first epoch's predictions from the trainer:
            # the previous model predicting the whole set here stalled the GUI thread.
            result = None
        elif self.predictor is not None:
            probabilities = self.predict(validation.images)
            result = Predictions(probabilities.argmax(axis=1), probabilities, epoch)
        self._predictions, self._predictions_key = result, key
        return result
