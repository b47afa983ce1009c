"""TensorBoard logging as one more observer of the trainer's events.

Kept out of the trainer: ``TensorBoardLogger(trainer, folder)`` is added with
``trainer.add_observer`` like the CLI printer or the GUI worker. It writes, with
``torch.utils.tensorboard.SummaryWriter`` (as seed 001 does):

* scalars per epoch: ``loss/train``, ``loss/validation``, ``accuracy/train``,
  ``accuracy/validation``, ``learning_rate`` and ``class_accuracy/<class>`` (a
  regression: ``regression/val_mae`` and ``regression/val_r2``),
  plus ``loss/train_batches`` at every progress report (x axis: global step);
* the model graph once, when training starts;
* the first channels of every image-shaped layer output for one validation image,
  as images, at the end of every epoch.

``tensorboard`` is an optional extra (``pip install sequential-studio[tensorboard]``).
"""

from __future__ import annotations

import importlib.util
import logging
import re
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from studio.core.errors import StudioError
from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    Event,
    TrainingFinished,
    TrainingStarted,
)

log = logging.getLogger(__name__)

DEFAULT_ROOT = "runs"
"""The folder beside the project that holds one run folder per run (SummaryWriter's own
default name) when the project's ``training.tensorboard`` setting is on."""
MAX_MAP_CHANNELS = 8
SCALAR_TAGS = (
    "loss/train",
    "loss/validation",
    "accuracy/train",
    "accuracy/validation",
    "learning_rate",
)
INSTALL_HINT = 'pip install "sequential-studio[tensorboard]"  (or: pip install tensorboard)'


class TensorBoardMissingError(StudioError):
    """The optional ``tensorboard`` package is not installed."""


def require_tensorboard() -> None:
    """Raise TensorBoardMissingError with the install command unless tensorboard imports."""
    try:
        found = importlib.util.find_spec("tensorboard") is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise TensorBoardMissingError(
            "TensorBoard logging needs the tensorboard package, which is not installed. "
            "Install it with: {command}",
            command=INSTALL_HINT,
        )


def run_folder(root: str | Path, project_name: str, when: float | None = None) -> Path:
    """``root/<project>-<YYYYmmdd-HHMMSS>``: one folder per run, named after project and time."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", project_name).strip("-") or "project"
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(when))
    folder = Path(root) / f"{slug}-{stamp}"
    suffix = 2
    while folder.exists():  # two runs in the same second keep apart
        folder = Path(root) / f"{slug}-{stamp}-{suffix}"
        suffix += 1
    return folder


class TensorBoardLogger:
    """Observer that writes a trainer's events to one TensorBoard run folder."""

    def __init__(self, trainer: Any, folder: str | Path) -> None:
        require_tensorboard()
        from torch.utils.tensorboard import SummaryWriter

        self.trainer = trainer
        self.folder = Path(folder)
        self.writer = SummaryWriter(log_dir=str(self.folder))
        self.classes: list[str] = []

    def __call__(self, event: Event) -> None:
        if isinstance(event, TrainingStarted):
            self.classes = list(event.classes)
            self._graph()
        elif isinstance(event, BatchProgress):
            self.writer.add_scalar("loss/train_batches", event.loss, event.global_step)
        elif isinstance(event, EpochEnded):
            self._epoch(event)
            self._feature_maps(event.epoch)
            self.writer.flush()
        elif isinstance(event, TrainingFinished):
            self.writer.close()

    def _epoch(self, e: EpochEnded) -> None:
        step = e.epoch
        for tag, value in zip(
            SCALAR_TAGS,
            (e.train_loss, e.val_loss, e.train_accuracy, e.val_accuracy, e.lr),
            strict=True,
        ):
            self.writer.add_scalar(tag, value, step)
        for name, value in e.per_class_accuracy.items():
            if value is not None and np.isfinite(value):
                self.writer.add_scalar(f"class_accuracy/{name}", value, step)
        for tag, value in (("regression/val_mae", e.val_mae), ("regression/val_r2", e.val_r2)):
            if value is not None and np.isfinite(value):
                self.writer.add_scalar(tag, value, step)

    def _probe(self) -> torch.Tensor | None:
        """One normalised validation image (1, *input_shape) on the model's device."""
        data, model = self.trainer.data, self.trainer.model
        if data is None or model is None or data.val_images.shape[0] == 0:
            return None
        from studio.core.data.batches import normalise

        device = next(model.parameters(), torch.empty(0)).device
        return normalise(data.val_images[:1], data.mean, data.std).to(device)

    def _graph(self) -> None:
        probe = self._probe()
        if probe is None:
            return
        model = self.trainer.model
        was_training = model.training
        model.eval()  # BatchNorm must not learn from the probe; Dropout stays quiet
        try:
            with warnings.catch_warnings():  # add_graph traces with torch.jit, now deprecated
                warnings.simplefilter("ignore", FutureWarning)
                self.writer.add_graph(model, probe)
        except Exception:  # tracing is best effort: a graph is not worth a failed run
            log.warning("could not add the model graph to TensorBoard", exc_info=True)
        finally:
            model.train(was_training)

    def _feature_maps(self, epoch: int) -> None:
        from studio.core.training.probe import capture_feature_maps

        probe = self._probe()
        if probe is None:
            return
        model = self.trainer.model
        for index, fmap in capture_feature_maps(model, probe).items():
            if fmap.ndim != 3:
                continue
            maps = fmap[:MAX_MAP_CHANNELS]
            low = maps.min(axis=(1, 2), keepdims=True)
            span = np.maximum(maps.max(axis=(1, 2), keepdims=True) - low, 1e-8)
            images = ((maps - low) / span)[:, None]  # (C, 1, H, W): one grey image a channel
            name = type(model[index]).__name__
            self.writer.add_images(f"feature_maps/{index:02d}_{name}", images, epoch)
