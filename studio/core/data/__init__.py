"""Datasets as whole uint8 tensors in memory, fitted once to the network's input.

Public API: ``load_dataset``, ``describe_dataset``, ``default_data_root``,
``bundled_sample_path``, ``stratified_split``, ``BatchLoader``, ``normalise``.
"""

from __future__ import annotations

from studio.core.data.base import DatasetInfo, LoadedData
from studio.core.data.batches import BatchLoader, normalise
from studio.core.data.catalog import describe_dataset, load_dataset
from studio.core.data.paths import bundled_sample_path, default_data_root
from studio.core.data.split import SPLIT_SEED, stratified_split

__all__ = [
    "SPLIT_SEED",
    "BatchLoader",
    "DatasetInfo",
    "LoadedData",
    "bundled_sample_path",
    "default_data_root",
    "describe_dataset",
    "load_dataset",
    "normalise",
    "stratified_split",
]
