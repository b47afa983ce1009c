"""What the dashboard remembers of each training run, as plain numpy data.

The views only read from here; trainer events only write here. Keeping the
store free of Qt lets tests check it directly and keeps ``handle_event`` cheap:
appending a step is O(1), and memory per run is bounded by decimating the
oldest points (a million-step run keeps at most ``max_points`` loss points).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    TrainingFailed,
    TrainingFinished,
    TrainingStarted,
    Unfrozen,
)
from studio.gui.plots.regression_data import (
    REGRESSION,
    RegressionSample,
    is_regression_record,
    number,
    regression_epoch_event,
    task_of,
)

DEFAULT_MAX_STEP_POINTS = 200_000
DEFAULT_SMOOTHING_STEPS = 20.0
"""Time constant of the smoothed loss, in training steps (not in reports, whose spacing varies)."""
_ROWS = 4  # step, loss, smoothed loss, learning rate


def as_fraction(value: float) -> float:
    """Accuracies travel as fractions in [0, 1]; a value above 1 can only be a percentage."""
    value = float(value)
    return value / 100.0 if value > 1.0 else value


def smoothing_steps_for(steps_per_epoch: int) -> float:
    """A tenth of an epoch, within 5..200 steps: smooth enough to read, short enough to follow."""
    return float(min(200.0, max(5.0, steps_per_epoch / 10.0)))


class StepSeries:
    """Per-step training loss, its smoothed (EMA) line and the learning rate, bounded in memory.

    The moving average decays with the steps between reports, ``exp(-Δstep / tau)``,
    so its lag is the same whether the trainer reports every batch or every tenth.

    Live runs append one point per training step (a report carries every step since
    the previous one); older model files replay one mean per report. When full, the
    oldest half is halved by averaging pairs of loss points, so old history gets
    coarser while recent steps stay exact.
    """

    def __init__(
        self, max_points: int = DEFAULT_MAX_STEP_POINTS, tau: float = DEFAULT_SMOOTHING_STEPS
    ) -> None:
        self.max_points = max(16, int(max_points))
        self.tau = float(tau)
        self._last_step: float | None = None
        self._data = np.empty((_ROWS, min(1024, self.max_points)), dtype=np.float64)
        self._n = 0
        self._ema = 0.0
        self._ema_weight = 0.0
        self.decimations = 0

    def __len__(self) -> int:
        return self._n

    def append(self, step: float, loss: float, lr: float) -> None:
        if self._n == self._data.shape[1]:
            if self._n >= self.max_points:
                self._decimate()
            else:
                grown = np.empty((_ROWS, min(2 * self._n, self.max_points)), dtype=np.float64)
                grown[:, : self._n] = self._data[:, : self._n]
                self._data = grown
        loss = float(loss)
        if math.isfinite(loss):
            gap = 1.0 if self._last_step is None else max(1.0, float(step) - self._last_step)
            s = math.exp(-gap / self.tau)
            self._ema = s * self._ema + (1.0 - s) * loss
            self._ema_weight = s * self._ema_weight + (1.0 - s)
        smoothed = self._ema / self._ema_weight if self._ema_weight > 0 else math.nan
        self._data[:, self._n] = (float(step), loss, smoothed, float(lr))
        self._last_step = float(step)
        self._n += 1

    def extend(self, steps: np.ndarray, losses: np.ndarray, lrs: np.ndarray) -> None:
        """Append many points at once (one report's steps): the same as ``append`` per point."""
        for step, loss, lr in zip(
            np.asarray(steps, np.float64).tolist(),
            np.asarray(losses, np.float64).tolist(),
            np.asarray(lrs, np.float64).tolist(),
            strict=True,
        ):
            self.append(step, loss, lr)

    def _decimate(self) -> None:
        half = (self._n // 2) & ~1
        old = self._data[:, :half]
        merged = old[:, 1::2].copy()  # the later step, smoothed value and rate of each pair
        merged[1] = 0.5 * (old[1, 0::2] + old[1, 1::2])
        keep = self._n - half
        m = merged.shape[1]
        self._data[:, :m] = merged
        self._data[:, m : m + keep] = self._data[:, half : self._n]
        self._n = m + keep
        self.decimations += 1

    @property
    def steps(self) -> np.ndarray:
        return self._data[0, : self._n]

    @property
    def loss(self) -> np.ndarray:
        return self._data[1, : self._n]

    @property
    def smoothed(self) -> np.ndarray:
        return self._data[2, : self._n]

    @property
    def lr(self) -> np.ndarray:
        return self._data[3, : self._n]


@dataclass(frozen=True)
class EpochRecord:
    """One epoch's metrics; accuracies are fractions in [0, 1]."""

    epoch: int
    step: float
    """Training steps done at the end of this epoch (the loss plot's x for validation loss)."""
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float
    lr: float
    seconds: float
    samples_per_second: float
    per_class: dict[str, float]
    is_best: bool
    val_mae: float = math.nan
    """Regression only: mean absolute error on the validation split."""
    val_r2: float = math.nan
    """Regression only: coefficient of determination on the validation split."""


CSV_COLUMNS = (
    "epoch",
    "step",
    "train_loss",
    "train_accuracy",
    "val_loss",
    "val_accuracy",
    "lr",
    "seconds",
    "samples_per_second",
)


@dataclass
class Run:
    """One training run of the session; a resumed run keeps appending to the same Run."""

    number: int
    classes: list[str]
    steps_per_epoch: int = 0
    total_epochs: int = 0
    loss: str = ""
    device: str = ""
    steps: StepSeries = field(default_factory=StepSeries)
    epochs: list[EpochRecord] = field(default_factory=list)
    confusion: np.ndarray | None = None
    val_predictions: np.ndarray | None = None
    """Predicted class per validation sample at the last epoch, when the trainer sends them."""
    last_batch: BatchProgress | None = None
    finished: TrainingFinished | None = None
    failed: TrainingFailed | None = None
    version: int = 0
    """Bumped on every change, so a view can skip redrawing an unchanged overlay."""
    name: str = ""
    """A replayed run's own name (its model file's); a run of this session has only a number."""
    unfrozen: list[Unfrozen] = field(default_factory=list)
    """Where two-stage fine-tuning unfroze the frozen layers (the loss plot marks them)."""
    task: str = "classification"
    """``classification`` or ``regression``: which views the run has."""
    regression: RegressionSample | None = None
    """True and predicted values of the validation split at the last epoch (regression)."""

    @property
    def is_regression(self) -> bool:
        return self.task == REGRESSION

    @property
    def label(self) -> str | int:
        """What the views call the run: its name, else its number."""
        return self.name or self.number

    @property
    def running(self) -> bool:
        return self.finished is None and self.failed is None

    @property
    def best(self) -> EpochRecord | None:
        marked = [e for e in self.epochs if e.is_best]
        if marked:
            return marked[-1]
        if not self.epochs:
            return None
        if self.is_regression:
            return min(self.epochs, key=lambda e: e.val_loss)
        return max(self.epochs, key=lambda e: e.val_accuracy)

    def column(self, name: str) -> np.ndarray:
        """One metric over epochs as a float64 array (the x or y of an epoch curve)."""
        return np.array([float(getattr(e, name)) for e in self.epochs], dtype=np.float64)

    def class_accuracy(self) -> np.ndarray:
        """Per-class accuracy over epochs, shape (epochs, classes), NaN where missing."""
        table = np.full((len(self.epochs), len(self.classes)), np.nan, dtype=np.float64)
        for row, record in enumerate(self.epochs):
            for col, name in enumerate(self.classes):
                if name in record.per_class:
                    table[row, col] = record.per_class[name]
        return table

    def epoch_end_step(self, epoch: int) -> float:
        """Steps done at the end of ``epoch``, exact when a batch report of it arrived."""
        batch = self.last_batch
        if batch is not None and batch.epoch == epoch:
            return float(batch.global_step + max(0, batch.steps_per_epoch - batch.step))
        if self.epochs and self.steps_per_epoch:
            last = self.epochs[-1]
            return last.step + (epoch - last.epoch) * self.steps_per_epoch
        return float(epoch * self.steps_per_epoch)


class RunStore:
    """Every run of the session, in order; the last one is the current run."""

    def __init__(self, max_step_points: int = DEFAULT_MAX_STEP_POINTS) -> None:
        self.runs: list[Run] = []
        self.max_step_points = max_step_points

    @property
    def current(self) -> Run | None:
        return self.runs[-1] if self.runs else None

    def _new_run(self, classes: list[str]) -> Run:
        run = Run(
            number=len(self.runs) + 1,
            classes=list(classes),
            steps=StepSeries(self.max_step_points),
        )
        self.runs.append(run)
        return run

    def _ensure_run(self) -> Run:
        return self.current if self.current is not None else self._new_run([])

    def start(self, event: TrainingStarted) -> tuple[Run, bool]:
        """Begin a run, or continue the current one when the event resumes it.

        Returns the run and whether it is new.
        """
        current = self.current
        resumes = (
            event.first_epoch > 1
            and current is not None
            and (not current.classes or list(current.classes) == list(event.classes))
        )
        if resumes:
            run = current
            run.finished = None
            run.failed = None
        else:
            run = self._new_run(event.classes)
            run.steps.tau = smoothing_steps_for(int(event.steps_per_epoch))
        run.classes = list(event.classes)
        run.steps_per_epoch = int(event.steps_per_epoch)
        run.total_epochs = int(event.epochs)
        run.loss = event.loss
        run.device = event.device
        run.version += 1
        return run, not resumes

    def add_batch(self, event: BatchProgress) -> Run:
        """Every step the report covers becomes a point (one, for a report of means only)."""
        run = self._ensure_run()
        run.steps.extend(*event.per_step())
        run.last_batch = event
        if event.steps_per_epoch:
            run.steps_per_epoch = int(event.steps_per_epoch)
        run.version += 1
        return run

    def add_epoch(self, event: EpochEnded) -> Run:
        run = self._ensure_run()
        if not run.classes:
            run.classes = list(event.per_class_accuracy or {})
        run.task = task_of(event)
        record = EpochRecord(
            epoch=int(event.epoch),
            step=run.epoch_end_step(int(event.epoch)),
            train_loss=number(event.train_loss),
            train_accuracy=as_fraction(number(event.train_accuracy)),
            val_loss=number(event.val_loss),
            val_accuracy=as_fraction(number(event.val_accuracy)),
            lr=float(event.lr),
            seconds=float(event.seconds),
            samples_per_second=float(event.samples_per_second),
            per_class={k: as_fraction(v) for k, v in (event.per_class_accuracy or {}).items()},
            is_best=bool(event.is_best),
            val_mae=number(getattr(event, "val_mae", None)),
            val_r2=number(getattr(event, "val_r2", None)),
        )
        # A resumed run may repeat an epoch it already reported: the newer one wins.
        run.epochs = [e for e in run.epochs if e.epoch < record.epoch]
        run.epochs.append(record)
        if run.is_regression:
            run.confusion, run.val_predictions = None, None
            run.regression = RegressionSample.of(event)
        else:
            run.confusion = np.asarray(event.confusion, dtype=np.int64)
            predictions = getattr(event, "val_predictions", None)
            run.val_predictions = None if predictions is None else np.asarray(predictions)
        run.version += 1
        return run

    def add_unfrozen(self, event: Unfrozen) -> Run:
        run = self._ensure_run()
        # One switch per run: a resumed run that starts past it reports it again, later;
        # a run resumed from before it reports it anew, and that report replaces the old.
        run.unfrozen = [u for u in run.unfrozen if u.epoch < event.epoch] or [event]
        run.version += 1
        return run

    def finish(self, event: TrainingFinished) -> Run:
        run = self._ensure_run()
        run.finished = event
        run.version += 1
        return run

    def fail(self, event: TrainingFailed) -> Run:
        run = self._ensure_run()
        run.failed = event
        run.version += 1
        return run


def events_from_model_file(model_file: Any) -> list[object]:
    """A model file's run as events: its epochs, its training-loss curve, and how it ended
    (a run stopped before its planned last epoch is replayed as stopped, not completed)."""
    resume = model_file.resume if isinstance(model_file.resume, dict) else {}
    plan = resume.get("plan") if isinstance(resume.get("plan"), dict) else {}
    steps = plan.get("steps_per_epoch")
    end_epoch = resume.get("end_epoch")
    return events_from_saved_metrics(
        list(model_file.metrics),
        list(model_file.classes),
        steps if isinstance(steps, int) else None,
        end_epoch if isinstance(end_epoch, int) else None,
        list(getattr(model_file, "loss_curve", []) or []),
    )


def events_from_saved_metrics(
    metrics: list[dict],
    classes: list[str],
    steps_per_epoch: int | None = None,
    end_epoch: int | None = None,
    loss_curve: list[list[float]] | None = None,
) -> list[object]:
    """The events a finished run would have sent, rebuilt from a model file's metric history,
    so an opened ``.pt`` shows its curves, per-class accuracy and last confusion matrix.

    The training loss comes from the saved curve ([step, loss, lr] points); a file
    without one gets a point per epoch from its epoch records. Entries that are not
    complete epoch records are skipped.
    """
    epochs = [m for m in metrics if isinstance(m, dict) and _is_epoch_record(m)]
    if not epochs:
        return []
    steps = int(steps_per_epoch) if steps_per_epoch and steps_per_epoch > 0 else 1
    last = int(epochs[-1]["epoch"])
    stopped = end_epoch is not None and last < end_epoch
    events: list[object] = [
        TrainingStarted(
            epochs=end_epoch if stopped and end_epoch is not None else last,
            first_epoch=1,
            steps_per_epoch=steps,
            classes=list(classes),
            device="",
            loss="",
        )
    ]
    curve = sorted(p for p in loss_curve or [] if len(p) == 3)
    regression = any(is_regression_record(m) for m in epochs)
    best: tuple[float, int] | None = None
    for entry in epochs:
        epoch = int(entry["epoch"])
        # Higher accuracy is better; for regression, lower validation loss (negated here).
        score = -number(entry.get("val_loss")) if regression else float(entry["val_accuracy"])
        is_best = best is None or score > best[0]
        if is_best:
            best = (score, epoch)
        points = [p for p in curve if (epoch - 1) * steps < p[0] <= epoch * steps]
        if not curve:
            points = [[epoch * steps, entry.get("train_loss", math.nan), entry.get("lr", math.nan)]]
        points = [p for p in points if _finite(p[1]) and _finite(p[2])]
        events.extend(_batch_event(run, steps) for run in _consecutive(points))
        events.append(
            regression_epoch_event(entry, is_best)
            if regression
            else _epoch_event(entry, len(classes), is_best)
        )
    events.append(
        TrainingFinished(
            "stopped" if stopped else "completed",
            last,
            best[1] if best else None,
            best[0] if best and not regression else None,
            float(sum(float(e.get("seconds", 0.0) or 0.0) for e in epochs)),
        )
    )
    return events


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _consecutive(points: list[list[float]]) -> list[list[list[float]]]:
    """Points split where the step does not go up by one: a per-step curve replays as one
    report per epoch, a curve of reports (older files, thinned runs) as one per point."""
    groups: list[list[list[float]]] = []
    for point in points:
        if groups and point[0] == groups[-1][-1][0] + 1:
            groups[-1].append(point)
        else:
            groups.append([point])
    return groups


def _batch_event(points: list[list[float]], steps: int) -> BatchProgress:
    """One report covering ``points`` (consecutive steps) of a saved curve."""
    global_step = int(points[-1][0])
    epoch = max(1, math.ceil(global_step / steps))
    losses = np.array([p[1] for p in points], dtype=np.float64)
    lrs = np.array([p[2] for p in points], dtype=np.float64)
    return BatchProgress(
        epoch=epoch,
        step=global_step - (epoch - 1) * steps,
        steps_per_epoch=steps,
        global_step=global_step,
        loss=float(losses.mean()),
        samples_per_second=math.nan,
        lr=float(lrs[-1]),
        elapsed=math.nan,
        eta_seconds=math.nan,
        step_losses=losses,
        step_lrs=lrs,
        first_step=int(points[0][0]),
    )


def _epoch_event(entry: dict, k: int, is_best: bool) -> EpochEnded:
    confusion = np.asarray(entry.get("confusion") or np.zeros((k, k)), dtype=np.int64)
    if confusion.shape != (k, k):
        confusion = np.zeros((k, k), dtype=np.int64)
    return EpochEnded(
        epoch=int(entry["epoch"]),
        train_loss=float(entry.get("train_loss", math.nan)),
        train_accuracy=float(entry.get("train_accuracy", math.nan)),
        val_loss=float(entry.get("val_loss", math.nan)),
        val_accuracy=float(entry["val_accuracy"]),
        per_class_accuracy={
            str(name): float(value)
            for name, value in dict(entry.get("per_class_accuracy") or {}).items()
        },
        confusion=confusion,
        lr=float(entry.get("lr", math.nan)),
        seconds=float(entry.get("seconds", math.nan)),
        samples_per_second=math.nan,
        is_best=is_best,
    )


def _is_epoch_record(entry: dict) -> bool:
    try:
        if int(entry["epoch"]) < 1:
            return False
        if is_regression_record(entry):
            return math.isfinite(float(entry["val_loss"]))
        return math.isfinite(float(entry["val_accuracy"]))
    except (KeyError, TypeError, ValueError):
        return False
