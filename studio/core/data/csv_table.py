"""A CSV table as a dataset: one column is the target, the others are the features.

The file is read whole but bounded (``MAX_CSV_BYTES``), decoded as UTF-8 (else
Latin-1, said in the notes), its separator guessed with ``csv.Sniffer`` among
comma, semicolon, tab and bar, then turned into standardised float32 splits by
``table_rules.prepare_table``, the code an exported script repeats. The input
shape is (number of features,); one parse is cached per file version and setting.
"""

from __future__ import annotations

import csv
import functools
import os
from pathlib import Path
from typing import Any

import torch

from studio.core.data import table_rules
from studio.core.data.base import DatasetInfo, LoadedData
from studio.core.data.split import SPLIT_SEED
from studio.core.errors import DatasetError
from studio.core.io.atomic import read_file
from studio.core.project import DatasetConfig

NAME = "csv"
MAX_CSV_BYTES = 50_000_000
"""A bigger table is refused: parsed in Python it would take several GB of memory."""
SNIFF_LINES = 50
DELIMITERS = ",;\t|"
SHOWN_FEATURES = 8


def check_file(path: str | Path) -> Path:
    """The CSV file as a Path, or a DatasetError if none was chosen or it is missing."""
    if not str(path).strip():
        raise DatasetError("No CSV file is chosen; choose a CSV file with a header row.")
    file = Path(path).expanduser()
    if file.is_dir():
        raise DatasetError(
            "{path} is a folder, not a CSV file; choose a CSV file with a header row.",
            path=str(file),
        )
    if not file.is_file():
        raise DatasetError(
            "The CSV file {path} does not exist; choose a CSV file with a header row.",
            path=str(file),
        )
    return file


def table_title(file: Path) -> str:
    return f"CSV table ({file.name})"


def read_text(file: Path) -> tuple[str, str]:
    """The file's text (at most ``MAX_CSV_BYTES``) and the encoding it was read with."""
    raw = read_file(file, "CSV file", MAX_CSV_BYTES)
    if b"\x00" in raw[:65536]:
        raise DatasetError(
            "{name} holds binary data, not a text table; choose a CSV file.", name=file.name
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8-sig"
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """The separator of the first lines: comma, semicolon, tab or bar (comma if unsure)."""
    head = "\n".join(text.splitlines()[:SNIFF_LINES])
    try:
        return csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        return ","


@functools.lru_cache(maxsize=2)
def _prepared(
    path: str, version: tuple[int, int], target: str, task: str, val_fraction: float
) -> tuple[dict[str, Any], str, str]:
    """``prepare_table`` of one version (mtime, size) of a file, with encoding and separator."""
    text, encoding = read_text(Path(path))
    delimiter = sniff_delimiter(text)
    table = table_rules.prepare_table(text, delimiter, target, task, val_fraction, SPLIT_SEED)
    return table, encoding, delimiter


def prepared_table(config: DatasetConfig) -> tuple[dict[str, Any], str, str]:
    """(the prepared table, its encoding, its separator) for the project's dataset settings."""
    file = check_file(config.path)
    try:
        info = os.stat(file)
    except OSError as error:
        raise DatasetError(
            "Could not read the CSV file {path} ({reason}); check its permissions.",
            path=str(file),
            reason=error.strerror or type(error).__name__,
        ) from error
    task = config.task if config.task in ("classification", "regression") else "auto"
    fraction = float(config.val_fraction)
    if not 0 < fraction < 1:
        fraction = 0.2  # describing needs no split; loading checks the fraction first
    version = (info.st_mtime_ns, info.st_size)
    return _prepared(str(file.resolve()), version, config.target, task, fraction)


def describe_csv(config: DatasetConfig) -> DatasetInfo:
    """Title, class names (none for regression), (number of features,) and the task."""
    table, _, _ = prepared_table(config)
    file = check_file(config.path)
    shape = (len(table["features"]),)
    return DatasetInfo(NAME, table_title(file), list(table["classes"]), shape, table["task"])


def load_csv_table(config: DatasetConfig, input_shape: tuple[int, ...]) -> LoadedData:
    """Both splits as float32 tensors; the network must take (number of features,)."""
    table, encoding, _ = prepared_table(config)
    features = table["features"]
    if tuple(input_shape) != (len(features),):
        raise DatasetError(
            "The table has {n} features ({names}), but the network takes {shape}; set the "
            "input shape to ({n},).",
            n=len(features),
            names=_shown(features),
            shape="(" + ", ".join(str(d) for d in input_shape) + ")",
        )
    train, val = len(table["y_train"]), len(table["y_val"])
    if train == 0 or val == 0:
        raise DatasetError(
            "The table has only {n} complete rows, too few to split into training and "
            "validation rows; add rows or change the validation share.",
            n=train + val,
        )
    regression = table["task"] == "regression"
    return LoadedData(
        name=NAME,
        classes=list(table["classes"]),
        train_images=torch.tensor(table["x_train"]),
        train_labels=torch.tensor(table["y_train"]),
        val_images=torch.tensor(table["x_val"]),
        val_labels=torch.tensor(table["y_val"]),
        mean=(0.0,),
        std=(1.0,),
        native_shape=(len(features),),
        notes=table_notes(table, encoding),
        task=table["task"],
        target_mean=table["target_mean"] if regression else 0.0,
        target_std=table["target_std"] if regression else 1.0,
    )


def table_notes(table: dict[str, Any], encoding: str) -> list[str]:
    """What was done to the table, one sentence each, for the training notes."""
    notes = [table["reason"]]
    train, val = len(table["y_train"]), len(table["y_val"])
    features = table["features"]
    notes.append(
        f"The table gives {train} training and {val} validation rows with "
        f"{len(features)} features; the numeric ones are standardised with the training "
        "rows' mean and standard deviation."
    )
    if table["one_hot"]:
        names = ", ".join(table["one_hot"])
        notes.append(f"Text columns are one-hot encoded (one 0/1 feature per value): {names}.")
    if table["missing"]:
        notes.append(f"{table['missing']} rows were skipped because a value was missing.")
    if table["malformed"]:
        notes.append(
            f"{table['malformed']} rows were skipped because they had more or fewer fields "
            "than the header."
        )
    if table["task"] == "regression":
        notes.append(
            f"The target {table['target']} is standardised with the training rows' mean "
            f"({table['target_mean']:.4g}) and standard deviation ({table['target_std']:.4g}): "
            "losses are on that scale, MAE and R² in the target's own units."
        )
    if encoding == "latin-1":
        notes.append("The file is not UTF-8 text, so it was read as Latin-1.")
    return notes


def _shown(names: list[str]) -> str:
    if len(names) <= SHOWN_FEATURES:
        return ", ".join(names)
    return ", ".join(names[:SHOWN_FEATURES]) + f", … {len(names) - SHOWN_FEATURES} more"
