"""What the dashboard keeps of a regression run beyond its epoch curves.

Plain numpy, no Qt: the trainer's ``EpochEnded`` carries the validation split's true
and predicted values for a regression task, and the scatter view reads them here.
Older events (and classification ones) lack these fields, so everything is read
with ``getattr`` and defaults.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from studio.core.training.events import EpochEnded

REGRESSION = "regression"
CLASSIFICATION = "classification"
MAX_SCATTER_POINTS = 5000
"""More points than this are thinned evenly: a denser cloud looks the same and paints slower."""

REGRESSION_CSV_COLUMNS = (
    "epoch",
    "step",
    "train_loss",
    "val_loss",
    "val_mae",
    "val_r2",
    "lr",
    "seconds",
    "samples_per_second",
)


def number(value: object) -> float:
    """A metric as a float; ``None`` (a metric the task does not have) becomes NaN."""
    if value is None:
        return math.nan
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def task_of(event: object) -> str:
    """The task an epoch event reports; events without one are classification."""
    task = getattr(event, "task", None)
    return REGRESSION if task == REGRESSION else CLASSIFICATION


@dataclass(frozen=True)
class RegressionSample:
    """True and predicted values of the validation split, in the same order, as float64."""

    epoch: int
    targets: np.ndarray
    predictions: np.ndarray

    @classmethod
    def of(cls, event: object) -> RegressionSample | None:
        """The sample an epoch event carries, or None when it has none (or a mismatched one)."""
        targets = getattr(event, "val_targets", None)
        predictions = getattr(event, "val_predictions", None)
        if targets is None or predictions is None:
            return None
        true = np.asarray(targets, dtype=np.float64).reshape(-1)
        predicted = np.asarray(predictions, dtype=np.float64).reshape(-1)
        if true.shape != predicted.shape:
            return None
        return cls(int(getattr(event, "epoch", 0)), true, predicted)

    def __len__(self) -> int:
        return int(self.targets.shape[0])

    def thinned(self, limit: int = MAX_SCATTER_POINTS) -> tuple[np.ndarray, np.ndarray]:
        """At most ``limit`` finite (true, predicted) pairs, evenly spread over the split."""
        keep = np.isfinite(self.targets) & np.isfinite(self.predictions)
        true, predicted = self.targets[keep], self.predictions[keep]
        if true.shape[0] > limit:
            index = np.linspace(0, true.shape[0] - 1, limit).astype(np.int64)
            true, predicted = true[index], predicted[index]
        return true, predicted

    def value_range(self) -> tuple[float, float] | None:
        """The smallest and largest finite value of either side (the y = x line's ends)."""
        both = np.concatenate([self.targets, self.predictions])
        both = both[np.isfinite(both)]
        if both.size == 0:
            return None
        low, high = float(both.min()), float(both.max())
        if high - low < 1e-12:
            low, high = low - 0.5, high + 0.5
        return low, high


def is_regression_record(entry: dict) -> bool:
    """A saved epoch record of a regression run: it says so, or has MAE and no accuracy."""
    if entry.get("task") == REGRESSION:
        return True
    return "val_mae" in entry and not math.isfinite(number(entry.get("val_accuracy")))


def regression_epoch_event(entry: dict, is_best: bool) -> EpochEnded:
    """The ``EpochEnded`` a saved regression epoch record stands for (history replay)."""
    values = {
        "epoch": int(entry["epoch"]),
        "train_loss": number(entry.get("train_loss")),
        "train_accuracy": math.nan,
        "val_loss": number(entry.get("val_loss")),
        "val_accuracy": math.nan,
        "per_class_accuracy": {},
        "confusion": np.zeros((0, 0), dtype=np.int64),
        "lr": number(entry.get("lr")),
        "seconds": number(entry.get("seconds")),
        "samples_per_second": math.nan,
        "is_best": is_best,
        "task": REGRESSION,
        "val_mae": number(entry.get("val_mae")),
        "val_r2": number(entry.get("val_r2")),
        "val_targets": _array_or_none(entry.get("val_targets")),
        "val_predictions": _array_or_none(entry.get("val_predictions")),
    }
    known = {f.name for f in dataclasses.fields(EpochEnded)}
    return EpochEnded(**{key: value for key, value in values.items() if key in known})


def _array_or_none(value: object) -> np.ndarray | None:
    if not isinstance(value, (list, tuple, np.ndarray)):
        return None
    try:
        return np.asarray(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        return None
