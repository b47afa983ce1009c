"""The bundled 5,000-image MNIST sample: works offline, split by class with a fixed seed."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import torch

from studio.core.data.assemble import assemble
from studio.core.data.base import LoadedData
from studio.core.data.split import SPLIT_SEED, stratified_split
from studio.core.errors import DatasetError

NAME = "mnist-sample"
TITLE = "MNIST sample (5,000 images, bundled)"
NOTE_TITLE = "MNIST"
CLASSES = [str(d) for d in range(10)]
NATIVE_SHAPE = (1, 28, 28)


def read_sample(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Read and check ``images`` (N, 28, 28) uint8 and ``labels`` (N,) 0..9 from the npz."""
    try:
        with np.load(path, allow_pickle=False) as data:
            images, labels = data["images"], data["labels"]
    except FileNotFoundError as exc:
        raise DatasetError(
            "The bundled MNIST sample is missing from {path}; reinstall Sequential Studio "
            "or choose another dataset.",
            path=str(path),
        ) from exc
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise DatasetError(
            "The bundled MNIST sample {path} is damaged; reinstall Sequential Studio "
            "or choose another dataset.",
            path=str(path),
        ) from exc
    ok = (
        images.dtype == np.uint8
        and images.ndim == 3
        and images.shape[1:] == NATIVE_SHAPE[1:]
        and labels.shape == (images.shape[0],)
        and labels.size > 0
        and np.issubdtype(labels.dtype, np.integer)
        and labels.min() >= 0
        and labels.max() < len(CLASSES)
    )
    if not ok:
        raise DatasetError(
            "The bundled MNIST sample {path} is damaged; reinstall Sequential Studio "
            "or choose another dataset.",
            path=str(path),
        )
    return images, labels


def load_sample(path: Path, val_fraction: float, input_shape: tuple[int, ...]) -> LoadedData:
    """Split the sample with ``stratified_split(labels, val_fraction, seed=0)``."""
    images, labels = read_sample(path)
    train_idx, val_idx = stratified_split(labels, val_fraction, SPLIT_SEED)
    x = torch.from_numpy(images).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    return assemble(
        name=NAME,
        title=NOTE_TITLE,
        classes=CLASSES,
        train=(x[train_idx], y[train_idx]),
        val=(x[val_idx], y[val_idx]),
        input_shape=input_shape,
    )
