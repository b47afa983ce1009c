"""Dispatch on the dataset name: describe cheaply, or load whole splits once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import studio.core.data.csv_table as csv_table
import studio.core.data.image_folder as image_folder
import studio.core.data.sample as sample
from studio.core.data.base import DatasetInfo, LoadedData
from studio.core.data.paths import bundled_sample_path, default_data_root
from studio.core.data.streaming import load_streamed_folder
from studio.core.data.torchvision_sets import SETS, load_torchvision_set
from studio.core.errors import DatasetError
from studio.core.project import DatasetConfig


def describe_dataset(config: DatasetConfig) -> DatasetInfo:
    """Name, title, class names and native (C, H, W) without decoding any data.

    For an image folder the classes are its sub-folders and the shape is read
    from the first image's header; a missing folder raises DatasetError. A CSV
    table is parsed (once per file version) for its classes, task and (features,).
    """
    if config.name == sample.NAME:
        return DatasetInfo(sample.NAME, sample.TITLE, list(sample.CLASSES), sample.NATIVE_SHAPE)
    if config.name in SETS:
        spec = SETS[config.name]
        return DatasetInfo(spec.name, spec.title, list(spec.classes), spec.native_shape)
    if config.name == image_folder.NAME:
        root = image_folder.check_folder(config.path)
        classes = image_folder.list_classes(root)
        shape = image_folder.first_shape(root, classes)
        return DatasetInfo(image_folder.NAME, image_folder.folder_title(root), classes, shape)
    if config.name == csv_table.NAME:
        return csv_table.describe_csv(config)
    raise _unknown(config.name)


def load_dataset(
    config: DatasetConfig,
    input_shape: tuple[int, ...],
    *,
    download: bool = True,
    root: str | Path | None = None,
    checkpoint: Callable[[], None] | None = None,
) -> LoadedData:
    """Decode both splits once into uint8 tensors fitted to ``input_shape``.

    torchvision sets live in ``config.path or root or default_data_root()`` and
    use their test split for validation; the bundled sample and image folders
    are split by class with ``stratified_split(labels, config.val_fraction, 0)``.
    ``checkpoint`` is called between images of a folder; it raises to abandon loading.
    """
    input_shape = tuple(int(d) for d in input_shape)
    if (
        config.name in (sample.NAME, image_folder.NAME, csv_table.NAME)
        and not 0 < config.val_fraction < 1
    ):
        raise DatasetError(
            "The validation fraction is {value}; choose a value between 0.01 and 0.9.",
            value=config.val_fraction,
        )
    if config.name == sample.NAME:
        return sample.load_sample(bundled_sample_path(), config.val_fraction, input_shape)
    if config.name in SETS:
        folder = Path(config.path or root or default_data_root()).expanduser()
        return load_torchvision_set(SETS[config.name], folder, input_shape, download=download)
    if config.name == image_folder.NAME:
        return image_folder.load_image_folder(
            config.path,
            config.val_fraction,
            input_shape,
            checkpoint=checkpoint,
            loading=config.loading,
            stream=load_streamed_folder,
        )
    if config.name == csv_table.NAME:
        return csv_table.load_csv_table(config, input_shape)
    raise _unknown(config.name)


def _unknown(name: str) -> DatasetError:
    return DatasetError(
        "The dataset {name!r} is unknown; choose one of {choices}.",
        name=name,
        choices=", ".join([sample.NAME, *SETS, image_folder.NAME, csv_table.NAME]),
    )
