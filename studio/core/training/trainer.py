"""The headless training loop: a plain blocking ``run()`` that reports to observers.

The GUI calls ``run()`` on a worker thread and ``stop()``/``pause()``/``resume()``
/``request_feature_maps()`` from its own; the CLI calls it directly. Per batch
the loop does only the forward/backward/step and appends the detached loss and
the correct-count tensors to lists: they are read with one ``.item()`` per
progress report (every ``progress_interval`` seconds) and per epoch, so there
is no device sync per batch. Finiteness is checked at those same points.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import math
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from studio.core.data.base import LoadedData
from studio.core.data.batches import normalise
from studio.core.errors import StudioError, TrainingError
from studio.core.io.model_file import ModelFile
from studio.core.project import Project
from studio.core.training import failures, regression
from studio.core.training.checkpoint import Snapshot, to_cpu
from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    Event,
    FeatureMaps,
    Observer,
    TrainingFailed,
    TrainingFinished,
    TrainingPaused,
    TrainingResumed,
    TrainingStarted,
)
from studio.core.training.loss_curve import append_steps
from studio.core.training.metrics import accuracy, per_class_dict
from studio.core.training.probe import capture_feature_maps
from studio.core.training.setup import Request, Run, prepare

log = logging.getLogger(__name__)


@dataclass
class TrainingResult:
    """How a run ended. ``error`` is set when ``reason`` is ``failed``."""

    reason: str
    epochs_done: int
    best_epoch: int | None
    best_val_accuracy: float | None
    history: list[dict[str, Any]]
    seconds: float
    error: StudioError | None = None


class Trainer:
    """Trains ``project``'s network on its dataset; single use (one ``run()`` per trainer).

    ``data`` skips loading (tests, or a GUI that already loaded it). ``resume_from``
    continues a model file's run: its weights, and when it has a ``resume`` dict its
    optimizer, schedule, RNG and metric history. ``epochs`` is the number of epochs
    this run trains; without it a fresh run trains ``project.training.epochs`` and a
    resumed run finishes the epochs its original run planned (or, if those are done,
    trains ``project.training.epochs`` more). ``device`` overrides the project's
    device. ``progress_interval`` is the least time between BatchProgress events (0:
    every batch). ``feature_maps_interval`` captures feature maps every so many
    seconds (None: only on request). ``num_threads`` sets torch's thread count for
    the run and restores it afterwards (None: leave it alone).
    """

    def __init__(
        self,
        project: Project,
        data: LoadedData | None = None,
        *,
        resume_from: ModelFile | None = None,
        device: str | None = None,
        epochs: int | None = None,
        progress_interval: float = 0.1,
        feature_maps_interval: float | None = None,
        num_threads: int | None = None,
        download: bool = True,
        data_root: str | None = None,
    ) -> None:
        if epochs is not None and (isinstance(epochs, bool) or int(epochs) < 1):
            raise TrainingError("The number of epochs must be at least 1, not {n}.", n=epochs)
        self._project = project.copy()
        self._data = data
        self._resume_from = resume_from
        self._device_name = device
        self._epochs = None if epochs is None else int(epochs)
        self.progress_interval = float(progress_interval)
        self.feature_maps_interval = feature_maps_interval
        self._num_threads = num_threads
        self._download = download
        self._data_root = data_root

        self._observers: list[Observer] = []
        self._stop = threading.Event()
        self._paused = threading.Event()
        self._wake = threading.Event()
        self._maps_requested = threading.Event()
        self._probe_index = 0
        self._lock = threading.RLock()
        self._started = False

        self._run: Run | None = None
        self._model: torch.nn.Sequential | None = None
        self._history: list[dict[str, Any]] = []
        self._loss_curve: list[list[float]] = []
        """[global step, training loss, learning rate] of each training step, thinned to at
        most MAX_CURVE_POINTS, so a model file can replay its training-loss curve."""
        self._best: Snapshot | None = None
        self._epoch = 0
        self._epochs_done = 0
        self._global_step = 0
        self._step_in_epoch = 0
        self._paused_seconds = 0.0
        self._run_start = 0.0
        self._run_start_step = 0

    # --- observers and control (any thread) --------------------------------------

    def add_observer(self, callback: Observer) -> None:
        self._observers.append(callback)

    def remove_observer(self, callback: Observer) -> None:
        self._observers.remove(callback)

    def stop(self) -> None:
        """Stop after the current batch (also ends a pause). The weights learned so far stay."""
        self._stop.set()
        self._wake.set()

    def pause(self) -> None:
        """Block the loop before its next batch until ``resume()`` or ``stop()``."""
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()
        self._wake.set()

    @property
    def is_paused(self) -> bool:
        return self._paused.is_set()

    def request_feature_maps(self, probe_index: int | None = None) -> None:
        """Capture feature maps after the next batch (or at once while paused).

        ``probe_index`` picks the validation image (kept for later captures).
        """
        if probe_index is not None:
            self._probe_index = int(probe_index)
        self._maps_requested.set()
        self._wake.set()

    # --- reading the state ---------------------------------------------------------

    @property
    def model(self) -> torch.nn.Sequential | None:
        """The network being trained (on its device), or None before ``run()`` builds it."""
        return self._model

    @property
    def data(self) -> LoadedData | None:
        return self._data

    @property
    def history(self) -> list[dict[str, Any]]:
        """One plain dict per epoch, resumed epochs included: ``epoch``, ``train_loss``,
        ``train_accuracy``, ``val_loss``, ``val_accuracy`` (0..1), ``per_class_accuracy``
        ({class: 0..1}, classes without validation samples left out), ``seconds``, ``lr``
        and ``confusion`` (K×K nested lists, rows = true class). A regression has NaN
        accuracies, no per-class figures, an empty ``confusion``, and ``val_mae``/``val_r2``."""
        return copy.deepcopy(self._history)

    @property
    def best_epoch(self) -> int | None:
        return self._best.epoch if self._best else None

    @property
    def global_step(self) -> int:
        return self._global_step

    def state_dict(self) -> dict[str, torch.Tensor]:
        """CPU copies of the current weights."""
        if self._model is None:
            raise TrainingError("There are no weights yet: training has not started.")
        with self._lock:
            return to_cpu(self._model.state_dict())

    def to_model_file(self, best: bool = True) -> ModelFile:
        """A ModelFile of the best epoch (``best``; the current state if no epoch ended yet)
        or of the current state, with the whole metric history and what resuming needs."""
        if self._model is None or self._data is None:
            raise TrainingError("There is no trained model yet: training has not started.")
        snapshot = self._best if best and self._best is not None else self._snapshot()
        return ModelFile(
            project=self._project.copy(),
            state_dict=snapshot.state_dict,
            classes=list(self._data.classes),
            mean=tuple(self._data.mean),
            std=tuple(self._data.std),
            metrics=copy.deepcopy(self._history),
            resume=snapshot.resume,
            loss_curve=[list(p) for p in self._loss_curve],
        )

    def result_file(self) -> ModelFile | None:
        """The finished run's ``ModelFile`` (best weights), or None if no epoch trained."""
        if self._model is None or self._data is None or not self._history:
            return None
        return self.to_model_file(best=True)

    # --- running -------------------------------------------------------------------

    def run(self) -> TrainingResult:
        """Train until done, stopped or failed; never raises a StudioError (see ``error``)."""
        if self._started:
            raise TrainingError("This trainer has already run; make a new one to train again.")
        self._started = True
        start = time.perf_counter()
        reason, error = "stopped", None  # stays "stopped" if KeyboardInterrupt escapes
        try:
            with self._thread_limit():
                self._run = run = self._prepare()
                self._emit(
                    TrainingStarted(
                        epochs=run.end_epoch,
                        first_epoch=run.first_epoch,
                        steps_per_epoch=run.steps_per_epoch,
                        classes=list(run.data.classes),
                        device=str(run.device),
                        loss=run.loss_name,
                        notes=list(run.notes),
                        task=run.data.task,
                    )
                )
                reason = self._train(run)
        except _StoppedWhilePreparing:
            log.info("training stopped while it prepared")
        except StudioError as exc:
            reason, error = "failed", exc
            log.info("training failed: %s", exc.message)
        except Exception as exc:
            reason = "failed"
            if failures.is_out_of_memory(exc):
                log.warning("out of memory", exc_info=True)
                error = self._out_of_memory_error()
            else:
                log.exception("training failed unexpectedly")
                error = TrainingError(
                    "Training stopped because of an unexpected error ({kind}: {detail}). "
                    "Details are in the log file.",
                    kind=type(exc).__name__,
                    detail=str(exc).splitlines()[0] if str(exc) else "no details",
                )
        finally:
            if reason == "failed":
                self._release_memory()
        return self._finish(reason, error, time.perf_counter() - start)

    def _finish(self, reason: str, error: StudioError | None, seconds: float) -> TrainingResult:
        if error is not None:
            self._emit(TrainingFailed(error.message, error.template, dict(error.args_map)))
        best_acc = self._best.val_accuracy if self._best else None
        self._emit(TrainingFinished(reason, self._epochs_done, self.best_epoch, best_acc, seconds))
        return TrainingResult(
            reason, self._epochs_done, self.best_epoch, best_acc, self.history, seconds, error
        )

    @contextlib.contextmanager
    def _thread_limit(self) -> Iterator[None]:
        if not self._num_threads:
            yield
            return
        before = torch.get_num_threads()
        torch.set_num_threads(max(1, int(self._num_threads)))
        try:
            yield
        finally:
            torch.set_num_threads(before)

    def _emit(self, event: Event) -> None:
        for observer in list(self._observers):
            try:
                observer(event)
            except Exception:
                log.exception("a training observer failed on %s", type(event).__name__)

    # --- preparation ---------------------------------------------------------------

    def _stop_if_asked(self) -> None:
        """Called between loading steps: Stop (or closing the window) ends the run there."""
        if self._stop.is_set():
            raise _StoppedWhilePreparing

    def _prepare(self) -> Run:
        request = Request(
            data=self._data,
            resume_from=self._resume_from,
            epochs=self._epochs,
            device=self._device_name,
            download=self._download,
            data_root=self._data_root,
        )
        run = prepare(self._project, request, self._stop_if_asked)
        restored = run.restored
        self._data = run.data
        if restored.best is not None:
            self._history, self._loss_curve = restored.history, restored.loss_curve
            self._best = restored.best
        self._global_step = restored.global_step
        self._epochs_done = run.first_epoch - 1
        self._model = run.model
        return run

    # --- the loop ------------------------------------------------------------------

    def _train(self, run: Run) -> str:
        """Epochs of training and validation; returns ``completed`` or ``stopped``."""
        model, optimizer, scheduler, loss_fn = run.model, run.optimizer, run.scheduler, run.loss_fn
        interval = self.progress_interval
        steps = run.steps_per_epoch
        self._run_start = time.perf_counter()
        self._run_start_step = self._global_step
        self._paused_seconds = 0.0
        last_maps = -math.inf
        for epoch in range(run.first_epoch, run.end_epoch + 1):
            self._epoch = epoch
            self._step_in_epoch = 0
            epoch_start = time.perf_counter()
            paused_before = self._paused_seconds
            losses: list[torch.Tensor] = []
            lrs: list[float] = []
            corrects: list[torch.Tensor] = []
            seen = window_seen = 0
            window_from = 0
            last_report = epoch_start
            if self._stop.is_set():
                return "stopped"
            tuning = run.finetune
            unfrozen = tuning.start_epoch(epoch, self._global_step, optimizer)
            if unfrozen is not None:
                self._emit(unfrozen)
            tuning.train_mode()  # frozen layers stay in eval mode
            for step, (x, y) in enumerate(tuning.train_batches(run.train_loader), 1):
                with self._lock:
                    lrs.append(_current_lr(optimizer))  # the rate this step trains with
                    out = tuning.forward_with(model, x)
                    loss = loss_fn(out, y)
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    if scheduler is not None and self._global_step < run.total_steps:
                        scheduler.step()
                    self._global_step += 1
                self._step_in_epoch = step
                losses.append(loss.detach())
                corrects.append((out.detach().argmax(1) == y).sum())
                n = y.shape[0]
                seen += n
                window_seen += n
                now = time.perf_counter()
                if step == steps or now - last_report >= interval:
                    rate = window_seen / max(now - last_report, 1e-9)
                    self._report(run, losses, lrs, window_from, rate, step)
                    window_from, window_seen, last_report = len(losses), 0, now
                if self._maps_requested.is_set() or (
                    self.feature_maps_interval is not None
                    and now - last_maps >= self.feature_maps_interval
                ):
                    self._emit_feature_maps(run)
                    last_maps = now
                if self._paused.is_set():
                    before = time.perf_counter()
                    self._wait_while_paused(run)
                    last_report += time.perf_counter() - before
                if self._stop.is_set():
                    break
            if self._step_in_epoch < steps:  # stopped mid-epoch: no half-epoch metrics
                return "stopped"
            train_seconds = time.perf_counter() - epoch_start
            train_loss = float(torch.stack(losses).mean()) if losses else math.nan
            train_acc = float(torch.stack(corrects).sum()) / seen if seen else math.nan
            val_loss, confusion, predictions = self._evaluate(run)
            if not math.isfinite(val_loss):
                raise self._non_finite_error(val_loss, epoch, None)
            seconds = time.perf_counter() - epoch_start - (self._paused_seconds - paused_before)
            active_train = max(1e-9, train_seconds - (self._paused_seconds - paused_before))
            rate = seen / active_train
            self._end_epoch(
                run, epoch, train_loss, train_acc, val_loss, confusion, seconds, rate, predictions
            )
            if self._stop.is_set():
                return "stopped"
        return "completed"

    def _report(
        self,
        run: Run,
        losses: list[torch.Tensor],
        lrs: list[float],
        window_from: int,
        rate: float,
        step: int,
    ) -> None:
        """Read the losses since the last report with one sync; stop on a non-finite one.

        The report carries each of those steps' loss and learning rate, not only their
        mean, so the plot gets one point per step at any speed.
        """
        window = torch.stack(losses[window_from:]).to("cpu", torch.float64).numpy()
        total = float(window.sum())
        if not math.isfinite(total):
            bad = int(np.flatnonzero(~np.isfinite(window))[0])
            raise self._non_finite_error(float(window[bad]), self._epoch, window_from + bad + 1)
        step_lrs = np.asarray(lrs[window_from:], dtype=np.float64)
        first_step = self._global_step - window.size + 1
        elapsed = time.perf_counter() - self._run_start - self._paused_seconds
        done = self._global_step - self._run_start_step
        steps = run.steps_per_epoch
        remaining = (run.end_epoch - self._epoch) * steps + (steps - step)
        self._record_loss(first_step, window, step_lrs)
        self._emit(
            BatchProgress(
                epoch=self._epoch,
                step=step,
                steps_per_epoch=steps,
                global_step=self._global_step,
                loss=total / window.size,
                samples_per_second=rate,
                lr=_current_lr(run.optimizer),
                elapsed=elapsed,
                eta_seconds=elapsed / done * remaining if done else math.nan,
                step_losses=window,
                step_lrs=step_lrs,
                first_step=first_step,
            )
        )

    def _record_loss(self, first_step: int, losses: np.ndarray, lrs: np.ndarray) -> None:
        self._loss_curve = append_steps(self._loss_curve, first_step, losses, lrs)

    def _evaluate(self, run: Run) -> tuple[float, torch.Tensor, np.ndarray]:
        """Mean validation loss, the K×K confusion matrix (counted on the device) and the
        predicted class of every validation sample, in order (one copy to the CPU).
        A regression gives its loss, no matrix and its ``regression.Scores`` instead."""
        if run.data.is_regression:
            scores = regression.evaluate(run)
            return scores.loss, None, scores  # type: ignore[return-value]
        model, k = run.model, run.data.num_classes
        model.eval()
        try:
            with torch.inference_mode():
                loss_sum = torch.zeros((), dtype=torch.float64, device=run.device)
                counts = torch.zeros(k * k, dtype=torch.int64, device=run.device)
                predicted = []
                for x, y in run.finetune.val_batches(run.val_loader):
                    out = run.finetune.forward_with(model, x)
                    loss_sum += run.loss_fn(out, y).double() * y.shape[0]
                    guess = out.argmax(1)
                    predicted.append(guess)
                    counts += torch.bincount(y * k + guess, minlength=k * k)
                n = run.val_loader.num_samples
                val_loss = float(loss_sum) / n
                confusion = counts.reshape(k, k).cpu()
                predictions = torch.cat(predicted).cpu().numpy() if predicted else np.empty(0)
        finally:
            run.finetune.train_mode()
        return val_loss, confusion, predictions

    def _end_epoch(
        self,
        run: Run,
        epoch: int,
        train_loss: float,
        train_acc: float,
        val_loss: float,
        confusion: torch.Tensor,
        seconds: float,
        samples_per_second: float,
        predictions: np.ndarray | None = None,
    ) -> None:
        if run.data.is_regression:  # ``predictions`` holds the Scores of ``_evaluate``
            self._end_regression_epoch(
                run, epoch, train_loss, predictions, seconds, samples_per_second
            )
            return
        val_acc = accuracy(confusion)
        per_class = per_class_dict(confusion, run.data.classes)
        lr = _current_lr(run.optimizer)
        is_best = self._best is None or (
            self._best.val_accuracy is None or val_acc > self._best.val_accuracy
        )
        self._history.append(
            {
                "epoch": epoch,
                "train_loss": train_loss,
                "train_accuracy": train_acc,
                "val_loss": val_loss,
                "val_accuracy": val_acc,
                "per_class_accuracy": per_class,
                "seconds": seconds,
                "lr": lr,
                "confusion": confusion.tolist(),
            }
        )
        self._epochs_done = epoch
        if is_best:
            self._best = self._snapshot_of(
                run.model, run.optimizer, run.scheduler, run.generator, epoch + 1
            )
        self._emit(
            EpochEnded(
                epoch=epoch,
                train_loss=train_loss,
                train_accuracy=train_acc,
                val_loss=val_loss,
                val_accuracy=val_acc,
                per_class_accuracy=per_class,
                confusion=confusion.numpy().astype(np.int64),
                lr=lr,
                seconds=seconds,
                samples_per_second=samples_per_second,
                is_best=is_best,
                val_predictions=predictions,
            )
        )

    def _end_regression_epoch(
        self,
        run: Run,
        epoch: int,
        train_loss: float,
        scores: regression.Scores,
        seconds: float,
        samples_per_second: float,
    ) -> None:
        """As ``_end_epoch``, for regression: the best epoch has the lowest validation loss."""
        lr = _current_lr(run.optimizer)
        is_best = regression.is_best(self._history, scores.loss)
        self._history.append(regression.history_entry(epoch, train_loss, scores, seconds, lr))
        self._epochs_done = epoch
        if is_best:
            self._best = self._snapshot_of(
                run.model, run.optimizer, run.scheduler, run.generator, epoch + 1
            )
        self._emit(
            regression.epoch_event(
                epoch, train_loss, scores, lr, seconds, samples_per_second, is_best
            )
        )

    # --- pause and feature maps ----------------------------------------------------

    def _wait_while_paused(self, run: Run) -> None:
        """Block on an Event (no busy wait); serve feature-map requests meanwhile."""
        start = time.perf_counter()
        self._emit(TrainingPaused(self._epoch, self._global_step))
        while self._paused.is_set() and not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._maps_requested.is_set() and not self._stop.is_set():
                self._emit_feature_maps(run)
        self._paused_seconds += time.perf_counter() - start
        if not self._stop.is_set():
            self._emit(TrainingResumed(self._epoch, self._global_step))

    def _emit_feature_maps(self, run: Run) -> None:
        self._maps_requested.clear()
        data = run.data
        index = min(max(0, self._probe_index), data.val_images.shape[0] - 1)
        image = data.val_images[index]
        x = normalise(image.unsqueeze(0).to(run.device), data.mean, data.std)
        maps = capture_feature_maps(run.model, x)
        run.finetune.keep_frozen_in_eval()  # the probe put every module back in training mode
        picture = image.to(torch.float32).div(255.0)
        if picture.ndim != 3 and math.prod(data.native_shape) == picture.numel():
            picture = picture.reshape(data.native_shape)
        self._emit(FeatureMaps(self._epoch, self._global_step, index, picture.numpy(), maps))

    # --- snapshots and failures ----------------------------------------------------

    def _snapshot(self) -> Snapshot:
        run = self._run
        with self._lock:
            if run is None:
                weights = to_cpu(self._model.state_dict()) if self._model else {}
                return Snapshot(self._epochs_done, None, weights, {})
            return self._snapshot_of(
                run.model, run.optimizer, run.scheduler, run.generator, self._epochs_done + 1
            )

    def _snapshot_of(
        self,
        model: torch.nn.Module,
        optimizer: torch.optim.Optimizer,
        scheduler: torch.optim.lr_scheduler.LRScheduler | None,
        generator: torch.Generator,
        next_epoch: int,
    ) -> Snapshot:
        """Weights plus the resume dict for continuing at ``next_epoch``."""
        done = next_epoch - 1
        entry = next((h for h in self._history if h.get("epoch") == done), None)
        run = self._run
        assert run is not None
        resume = {
            "epoch": done,
            "global_step": self._global_step,
            "end_epoch": run.end_epoch,
            "plan": copy.deepcopy(run.plan),
            "optimizer": to_cpu(optimizer.state_dict()),
            "scheduler": to_cpu(scheduler.state_dict()) if scheduler is not None else None,
            "rng": {"torch": torch.get_rng_state(), "shuffle": generator.get_state()},
        }
        return Snapshot(
            epoch=done,
            val_accuracy=entry["val_accuracy"] if entry else None,
            state_dict=to_cpu(model.state_dict()),
            resume=resume,
        )

    def _non_finite_error(self, value: float, epoch: int, step: int | None) -> TrainingError:
        return failures.non_finite_error(self._project.training, value, epoch, step)

    def _out_of_memory_error(self) -> TrainingError:
        device = self._run.device if self._run else torch.device("cpu")
        batch = self._project.training.batch_size
        return failures.out_of_memory_error(
            batch, device, self._step_in_epoch + 1, max(self._epoch, 1)
        )

    def _release_memory(self) -> None:
        failures.release_memory(self._run.optimizer if self._run is not None else None)


# --- helpers -------------------------------------------------------------------------


class _StoppedWhilePreparing(Exception):
    """Stop arrived before the first batch; the run ends as "stopped" with nothing trained."""


def _current_lr(optimizer: torch.optim.Optimizer) -> float:
    return float(optimizer.param_groups[0]["lr"])
