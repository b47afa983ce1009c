"""A small look at a dataset before training: its classes, images per class, a few samples.

Cheap enough to run whenever the dataset is chosen (in a worker thread): an image
folder is listed, not decoded, except for one small thumbnail per class; the bundled
sample is read once; a downloadable set shows its class names without downloading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from studio.core.data import csv_table, describe_dataset, sample
from studio.core.data import image_folder as folder
from studio.core.data.paths import bundled_sample_path
from studio.core.project import DatasetConfig

THUMBNAIL = 40
"""Side of a sample thumbnail in pixels."""


@dataclass
class DatasetPreview:
    """What the panel shows under the dataset choice."""

    title: str
    classes: list[str]
    counts: list[int] | None = None
    """Images per class, or ``None`` when unknown without downloading."""
    samples: list[tuple[np.ndarray, str]] = field(default_factory=list)
    """(H, W, C) uint8 thumbnails with their class name."""
    input_shape: tuple[int, ...] | None = None
    """The input shape the data gives as it is (a CSV table: (number of features,))."""
    task: str = "classification"
    notes: list[str] = field(default_factory=list)
    """What loading will do to the data (a CSV table: task, encoding, skipped rows)."""


def preview_dataset(config: DatasetConfig, max_samples: int = 5) -> DatasetPreview:
    """Describe ``config``'s data; raises ``DatasetError`` when it cannot be used."""
    info = describe_dataset(config)
    preview = DatasetPreview(info.title, list(info.classes))
    if config.name == sample.NAME:
        images, labels = sample.read_sample(bundled_sample_path())
        preview.counts = np.bincount(labels, minlength=len(sample.CLASSES)).tolist()
        for label in range(min(max_samples, len(sample.CLASSES))):
            first = int(np.flatnonzero(labels == label)[0])
            preview.samples.append((images[first][:, :, None], sample.CLASSES[label]))
    elif config.name == folder.NAME:
        root = folder.check_folder(config.path)
        files, _ = folder.scan(root, preview.classes)
        labels = np.array([label for _, label in files], dtype=np.int64)
        preview.counts = np.bincount(labels, minlength=len(preview.classes)).tolist()
        preview.samples = _folder_samples(files, preview.classes, max_samples)
    elif config.name == csv_table.NAME:
        _table_preview(config, preview)
        preview.input_shape, preview.task = tuple(info.native_shape), info.task
    return preview


def _table_preview(config: DatasetConfig, preview: DatasetPreview) -> None:
    """Rows per class (none for regression) and the notes of the table's preparation."""
    table, encoding, _ = csv_table.prepared_table(config)
    if table["task"] == "classification":
        labels = np.concatenate([table["y_train"], table["y_val"]])
        preview.counts = np.bincount(labels, minlength=len(preview.classes)).tolist()
    preview.notes = csv_table.table_notes(table, encoding)


def _folder_samples(files, classes: list[str], max_samples: int) -> list[tuple[np.ndarray, str]]:
    """The first readable image of each class, as a small thumbnail."""
    samples: list[tuple[np.ndarray, str]] = []
    seen: set[int] = set()
    for path, label in files:
        if label in seen or len(samples) >= max_samples:
            continue
        shape = folder.probe_shape(path)
        if shape is None:
            continue
        try:
            image, _, _ = folder.decode(path, shape[0], THUMBNAIL, THUMBNAIL)
        except Exception:  # an unreadable file is simply not previewed
            continue
        seen.add(label)
        samples.append((image, classes[label]))
    return samples
