"""What the trainer tells its observers. Plain data: no torch tensors on the GPU, no Qt.

Observers are callables taking one event. The GUI worker turns these into Qt
signals; the CLI prints them; tests record them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class TrainingStarted:
    epochs: int
    """The epoch number the run will end at (a resumed run starts after ``first_epoch - 1``)."""
    first_epoch: int
    steps_per_epoch: int
    classes: list[str]
    device: str
    loss: str
    notes: list[str] = field(default_factory=list)
    """Sentences for the person: data adaptations, loss choice, device fallbacks."""
    task: str = "classification"
    """``classification`` or ``regression`` (a CSV table with a numeric target; then
    ``classes`` is empty)."""


@dataclass(frozen=True)
class BatchProgress:
    """Sent every few batches, not every batch, and read without a device sync per batch.

    It carries every step since the previous report (``step_losses``/``step_lrs``,
    the first of them at global step ``first_step``), so a plot can show one point
    per training step however fast the steps go.
    """

    epoch: int
    step: int
    """Batches done in this epoch."""
    steps_per_epoch: int
    global_step: int
    loss: float
    """Mean training loss over the batches since the previous report."""
    samples_per_second: float
    lr: float
    elapsed: float
    eta_seconds: float
    step_losses: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """The training loss of each step since the previous report (float64, oldest first);
    empty from a source that only knows the mean (then ``loss`` at ``global_step``)."""
    step_lrs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """The learning rate each of those steps trained with."""
    first_step: int = 0
    """The global step of ``step_losses[0]``; the last one is ``global_step``."""

    def per_step(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(global steps, losses, learning rates) of the steps this report covers; a report
        without per-step values gives its mean as one point at ``global_step``."""
        n = len(self.step_losses)
        if n == 0 or len(self.step_lrs) != n:
            return (
                np.array([float(self.global_step)]),
                np.array([float(self.loss)]),
                np.array([float(self.lr)]),
            )
        steps = np.arange(self.first_step, self.first_step + n, dtype=np.float64)
        losses = np.asarray(self.step_losses, np.float64)
        return steps, losses, np.asarray(self.step_lrs, np.float64)


MAX_SCATTER_POINTS = 5000
"""Regression epochs carry at most this many (predicted, true) pairs for the scatter view."""


@dataclass(frozen=True)
class EpochEnded:
    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    per_class_accuracy: dict[str, float]
    confusion: np.ndarray
    """Counts, rows = true class, columns = predicted class (int64, K×K)."""
    lr: float
    seconds: float
    """Wall time of this epoch (training and validation)."""
    samples_per_second: float
    is_best: bool
    val_predictions: np.ndarray | None = None
    """The predicted class of every validation sample, in validation order (for the
    confusion-matrix drill-down and the prediction gallery); for regression the predicted
    values (float64, in the target's own units), at most ``MAX_SCATTER_POINTS`` of them."""
    task: str = "classification"
    """``classification`` or ``regression``. For regression ``train_accuracy`` and
    ``val_accuracy`` are NaN, ``per_class_accuracy`` is empty and ``confusion`` is 0×0."""
    val_mae: float | None = None
    """Regression: mean absolute error on the validation split, in the target's units."""
    val_r2: float | None = None
    """Regression: the coefficient of determination R² on the validation split."""
    val_targets: np.ndarray | None = None
    """Regression: the true values matching ``val_predictions`` (same order, same cap)."""


@dataclass(frozen=True)
class FeatureMaps:
    """Activations of every layer for one probe image, as small float32 CPU arrays."""

    epoch: int
    global_step: int
    probe_index: int
    image: np.ndarray
    """The probe input, (C, H, W) float32 on the 0..1 scale."""
    maps: dict[int, np.ndarray]
    """Layer index -> activation of that layer's output, (C, H, W) or (F,)."""


@dataclass(frozen=True)
class TrainingPaused:
    """The loop is now blocked between batches; nothing trains until ``resume()`` or ``stop()``."""

    epoch: int
    global_step: int


@dataclass(frozen=True)
class TrainingResumed:
    """The loop continues after a pause."""

    epoch: int
    global_step: int


@dataclass(frozen=True)
class TrainingFinished:
    reason: str
    """``completed``, ``stopped`` or ``failed``."""
    epochs_done: int
    best_epoch: int | None
    best_val_accuracy: float | None
    seconds: float


@dataclass(frozen=True)
class TrainingFailed:
    """A failure the person can act on (NaN loss, out of memory, bad device, bad data)."""

    message: str
    template: str = ""
    args: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Unfrozen:
    """Two-stage fine-tuning switched: the frozen layers train from here on.

    Sent before the first batch of ``epoch``; ``lr`` is the learning rate the newly
    trainable parameters start at, ``stages`` how many last Backbone stages were
    unfrozen (0: all of them).
    """

    epoch: int
    global_step: int
    lr: float
    stages: int


Event = (
    TrainingStarted
    | BatchProgress
    | EpochEnded
    | FeatureMaps
    | TrainingPaused
    | TrainingResumed
    | TrainingFinished
    | TrainingFailed
    | Unfrozen
)

Observer = Callable[[Event], None]
"""What ``add_observer`` takes, in the trainer and in its process."""
