"""Realistic synthetic trainer events, for tests and for looking at the views without training.

The numbers follow what LeNet does on MNIST: the loss falls fast then slowly,
accuracy climbs to ~98 %, 4/9 and 3/5 get confused most. Everything is drawn
from a seeded generator, so the same call gives the same events.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    FeatureMaps,
    TrainingFinished,
    TrainingStarted,
)

DIGITS = [str(i) for i in range(10)]
CONFUSABLE = {4: 9, 9: 4, 3: 5, 5: 3, 7: 1, 2: 7, 8: 3}


@dataclass
class SyntheticRun:
    events: list
    val_images: np.ndarray
    """(N, 1, 28, 28) uint8 blobs, one shape per class."""
    val_labels: np.ndarray
    val_predictions: np.ndarray
    """The predictions of the last epoch, consistent with its confusion matrix."""
    classes: list[str]


def validation_set(n: int = 500, k: int = 10, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Class-dependent blobs: label ``c`` is a bright disc at an angle of ``c``/k of a turn."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % k
    rng.shuffle(labels)
    yy, xx = np.mgrid[0:28, 0:28]
    images = np.zeros((n, 1, 28, 28), dtype=np.uint8)
    for i, label in enumerate(labels):
        angle = 2 * math.pi * label / k
        cy, cx = 14 + 7 * math.sin(angle), 14 + 7 * math.cos(angle)
        blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * 3.0**2))
        noise = rng.normal(0, 0.08, blob.shape)
        images[i, 0] = np.clip((blob + noise) * 255, 0, 255).astype(np.uint8)
    return images, labels.astype(np.int64)


def _predictions(labels: np.ndarray, accuracy: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    k = len(accuracy)
    predicted = labels.copy()
    for index, label in enumerate(labels):
        if rng.random() > accuracy[label]:
            if rng.random() < 0.6 and label in CONFUSABLE:
                predicted[index] = CONFUSABLE[label]
            else:
                predicted[index] = (label + rng.integers(1, k)) % k
    return predicted


def _confusion(labels: np.ndarray, predicted: np.ndarray, k: int) -> np.ndarray:
    return np.bincount(labels * k + predicted, minlength=k * k).reshape(k, k).astype(np.int64)


def feature_maps(
    epoch: int, global_step: int, probe_index: int, image: np.ndarray, seed: int = 0
) -> FeatureMaps:
    """LeNet-shaped activations: 6×28×28, 6×14×14, 16×10×10, 16×5×5, then 120, 84, 10 values."""
    rng = np.random.default_rng(seed + probe_index)
    picture = image.astype(np.float32) / 255.0
    maps: dict[int, np.ndarray] = {}
    shapes = {
        0: (6, 28, 28),
        1: (6, 28, 28),
        2: (6, 14, 14),
        3: (16, 10, 10),
        4: (16, 10, 10),
        5: (16, 5, 5),
    }
    for layer, (c, h, w) in shapes.items():
        base = picture[0, :: 28 // h, :: 28 // w][:h, :w] if h <= 28 else picture[0]
        weights = rng.normal(0, 1, (c, 1, 1)).astype(np.float32)
        activation = weights * base[None] + rng.normal(0, 0.1, (c, h, w)).astype(np.float32)
        maps[layer] = np.maximum(activation, 0) if layer % 2 else activation
    maps[6] = rng.normal(0, 1, 400).astype(np.float32)
    maps[7] = np.maximum(rng.normal(0, 1, 120), 0).astype(np.float32)
    maps[8] = np.maximum(rng.normal(0, 1, 84), 0).astype(np.float32)
    maps[9] = rng.normal(0, 2, 10).astype(np.float32)
    return FeatureMaps(epoch, global_step, probe_index, picture, maps)


def synthetic_run(
    epochs: int = 10,
    steps_per_epoch: int = 300,
    report_every: int = 5,
    n_val: int = 500,
    classes: list[str] | None = None,
    seed: int = 0,
    first_epoch: int = 1,
    start_step: int = 0,
    loss_scale: float = 1.0,
    feature_maps_every: int = 0,
) -> SyntheticRun:
    """The events of one run: TrainingStarted, BatchProgress every ``report_every`` batches,
    EpochEnded with per-class accuracy and a confusion matrix, FeatureMaps every
    ``feature_maps_every`` reports (0: one per epoch), and TrainingFinished."""
    classes = list(classes or DIGITS)
    k = len(classes)
    rng = np.random.default_rng(seed)
    images, labels = validation_set(n_val, k, seed)
    difficulty = rng.uniform(0.5, 1.5, k)
    difficulty[[4, 9, 5] if k == 10 else []] *= 2.2
    last_epoch = first_epoch + epochs - 1
    events: list = [
        TrainingStarted(last_epoch, first_epoch, steps_per_epoch, classes, "cpu", "cross_entropy")
    ]
    step = start_step
    predicted = labels.copy()
    best = -1.0
    best_epoch = None
    for epoch in range(first_epoch, last_epoch + 1):
        for batch in range(report_every, steps_per_epoch + 1, report_every):
            step = start_step + (epoch - first_epoch) * steps_per_epoch + batch
            t = step / steps_per_epoch
            loss = loss_scale * (2.3 * math.exp(-3.0 * t) + 0.08 / (1 + 0.3 * t))
            loss *= math.exp(rng.normal(0, 0.25))
            lr = 3e-3 * math.sin(math.pi * min(1.0, t / (epochs + first_epoch - 1))) + 1e-4
            events.append(
                BatchProgress(epoch, batch, steps_per_epoch, step, loss, 5200.0, lr, t, 0.0)
            )
            if feature_maps_every and (batch // report_every) % feature_maps_every == 0:
                events.append(feature_maps(epoch, step, 0, images[0], seed))
        t = epoch
        error = 0.25 * math.exp(-0.45 * t) + 0.012
        per_class_error = np.clip(error * difficulty, 0, 0.95)
        predicted = _predictions(labels, 1.0 - per_class_error, rng)
        confusion = _confusion(labels, predicted, k)
        totals = confusion.sum(axis=1)
        per_class = {
            name: float(confusion[i, i] / totals[i]) if totals[i] else 0.0
            for i, name in enumerate(classes)
        }
        val_acc = float(np.trace(confusion) / confusion.sum())
        is_best = val_acc > best
        if is_best:
            best, best_epoch = val_acc, epoch
        events.append(
            EpochEnded(
                epoch=epoch,
                train_loss=loss_scale * (2.3 * math.exp(-3.0 * t) + 0.06),
                train_accuracy=min(1.0, 1 - 0.8 * error),
                val_loss=loss_scale * (2.3 * math.exp(-3.0 * t) + 0.07 + 0.004 * t),
                val_accuracy=val_acc,
                per_class_accuracy=per_class,
                confusion=confusion,
                lr=1e-3,
                seconds=0.9,
                samples_per_second=5200.0,
                is_best=is_best,
            )
        )
        if not feature_maps_every:
            events.append(feature_maps(epoch, step, 0, images[0], seed))
    events.append(TrainingFinished("completed", last_epoch, best_epoch, best, 9.0 * epochs))
    return SyntheticRun(events, images, labels, predicted, classes)
