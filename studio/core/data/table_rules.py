"""How a CSV table becomes training data: the rules the app and its exported scripts share.

Every function here uses only ``csv``, ``io``, ``numpy`` (``np``) and
``stratified_split``, and raises ``DatasetError``: an exported script embeds
their source unchanged (``studio/core/codegen/script_table.py``) next to a small
``DatasetError`` of its own, so a script reads, encodes, splits and standardises
a table exactly as the app does. File access and its bounds live in ``csv_table.py``.

The rules:

- the first non-blank row is the header; every other row with a value in every
  column is kept, rows with a missing value (empty, NA, N/A, NaN, null, None, ?,
  or an infinite number) or a wrong number of fields are skipped and counted;
- a feature column whose values are all numbers is one feature, standardised with
  the training split's mean and standard deviation; any other feature column is
  one-hot encoded, one 0/1 feature per distinct value in sorted order (at most
  ``MAX_CATEGORIES`` values, else the column is refused by name);
- the task (``auto``) is classification for a text target or a whole-number target
  with at most ``MAX_WHOLE_CLASSES`` values, else regression; class names are the
  target's values, sorted (numerically when they are numbers);
- classification is split by class (``stratified_split``), regression as one group;
  regression targets are standardised with the training split's statistics.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np

from studio.core.data.split import stratified_split
from studio.core.errors import DatasetError

MISSING_VALUES = ("", "na", "n/a", "nan", "null", "none", "?")
"""Cells that mean "no value" (compared in lower case, after stripping spaces)."""
MAX_CATEGORIES = 50
"""A text feature column with more distinct values than this is refused, not one-hot encoded."""
MAX_CLASSES = 1000
MAX_WHOLE_CLASSES = 100
"""``auto``: a whole-number target with at most this many distinct values is a class label."""


def read_rows(text: str, delimiter: str) -> tuple[list[str], list[list[str]]]:
    """The header's column names and the data rows of CSV text; blank lines are left out."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise DatasetError(
            "The file could not be read as CSV at line {line} ({reason}); check that it is a "
            "text table with one row per line.",
            line=reader.line_num,
            reason=str(error),
        ) from None
    if not rows:
        raise DatasetError("The CSV file is empty; choose a file with a header row and data rows.")
    header = [name.strip() or f"column {i + 1}" for i, name in enumerate(rows[0])]
    if len(header) < 2:
        raise DatasetError(
            "The CSV file has only one column ({column}); a table needs feature columns and a "
            "target column separated by commas, semicolons or tabs.",
            column=header[0],
        )
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise DatasetError(
            "The CSV header names the column {column} twice; give every column its own name.",
            column=repeated[0],
        )
    return header, rows[1:]


def as_number(cell: str) -> float | None:
    """The cell's value as a float, or None when it is not a number."""
    try:
        return float(cell)
    except ValueError:
        return None


def is_missing(cell: str) -> bool:
    """Whether a (stripped) cell holds no usable value."""
    if cell.lower() in MISSING_VALUES:
        return True
    number = as_number(cell)
    return number is not None and not math.isfinite(number)


def complete_rows(rows: list[list[str]], width: int) -> tuple[list[list[str]], int, int]:
    """(rows with a value in every column, rows skipped for a missing value, rows skipped
    for a wrong number of fields); the kept cells are stripped of surrounding spaces."""
    kept, missing, malformed = [], 0, 0
    for row in rows:
        if len(row) != width:
            malformed += 1
            continue
        cells = [cell.strip() for cell in row]
        if any(is_missing(cell) for cell in cells):
            missing += 1
            continue
        kept.append(cells)
    return kept, missing, malformed


def target_index(header: list[str], target: str) -> int:
    """The target column's index: the named column, or the last one when none is named."""
    if not target:
        return len(header) - 1
    if target not in header:
        raise DatasetError(
            "The CSV file has no column {column!r}; its columns are {columns}.",
            column=target,
            columns=", ".join(header),
        )
    return header.index(target)


def choose_task(values: list[str], task: str, column: str) -> tuple[str, str]:
    """(``classification`` or ``regression``, the reason in one sentence) for the target."""
    numbers = [as_number(value) for value in values]
    numeric = all(number is not None for number in numbers)
    if task == "regression":
        if not numeric:
            example = next(v for v, n in zip(values, numbers, strict=True) if n is None)
            raise DatasetError(
                "The target column {column} holds text such as {example!r}, so it cannot be "
                "predicted as a number; choose the classification task or another column.",
                column=column,
                example=example,
            )
        return task, f"The task is regression, as chosen: the network predicts {column}."
    if task == "classification":
        return task, f"The task is classification, as chosen: each value of {column} is a class."
    if not numeric:
        return "classification", (
            f"The target column {column} holds text, so each of its values is a class."
        )
    whole = all(value.lstrip("+-").isdigit() for value in values)
    distinct = len(set(numbers))
    if whole and distinct <= MAX_WHOLE_CLASSES:
        return "classification", (
            f"The target column {column} holds whole numbers ({distinct} different values), "
            "so each value is a class; choose the regression task to predict it as a number."
        )
    why = "whole numbers with many different values" if whole else "numbers with decimals"
    return "regression", (
        f"The target column {column} holds {why}, so the network predicts it as a number "
        "(regression); choose the classification task to treat each value as a class."
    )


def encode_target(values: list[str], task: str, column: str) -> tuple[np.ndarray, list[str]]:
    """Regression: the values as float64 and no classes. Classification: class indices
    (int64) and the sorted class names."""
    if task == "regression":
        y = np.array([float(value) for value in values], dtype=np.float64)
        if y.min() == y.max():
            raise DatasetError(
                "The target column {column} has the same value in every row, so there is "
                "nothing to predict; choose another column.",
                column=column,
            )
        return y, []
    distinct = set(values)
    if all(as_number(value) is not None for value in distinct):
        classes = sorted(distinct, key=lambda value: (float(value), value))
    else:
        classes = sorted(distinct)
    if len(classes) < 2:
        raise DatasetError(
            "The target column {column} has only one value ({value}); classification needs "
            "at least two classes. Choose another column.",
            column=column,
            value=classes[0],
        )
    if len(classes) > MAX_CLASSES:
        raise DatasetError(
            "The target column {column} has {n} different values, more than the {limit} "
            "classes a network here can learn; choose another column, or the regression task.",
            column=column,
            n=len(classes),
            limit=MAX_CLASSES,
        )
    index = {name: i for i, name in enumerate(classes)}
    return np.array([index[value] for value in values], dtype=np.int64), classes


def encode_features(
    header: list[str], rows: list[list[str]], target: int
) -> tuple[np.ndarray, list[str], np.ndarray, list[str]]:
    """(N, F) float64 features, their names, which of them are numbers (the others are
    one-hot 0/1) and the names of the one-hot encoded columns."""
    blocks, names, numeric, one_hot = [], [], [], []
    for i, column in enumerate(header):
        if i == target:
            continue
        cells = [row[i] for row in rows]
        numbers = [as_number(cell) for cell in cells]
        if all(number is not None for number in numbers):
            blocks.append(np.array(numbers, dtype=np.float64).reshape(-1, 1))
            names.append(column)
            numeric.append(True)
            continue
        values = sorted(set(cells))
        if len(values) > MAX_CATEGORIES:
            example = next(c for c, n in zip(cells, numbers, strict=True) if n is None)
            raise DatasetError(
                "The column {column} holds text (such as {example!r}) with {n} different "
                "values, more than the {limit} that can be one-hot encoded; remove the column "
                "or write its values as numbers.",
                column=column,
                example=example,
                n=len(values),
                limit=MAX_CATEGORIES,
            )
        index = {value: j for j, value in enumerate(values)}
        block = np.zeros((len(cells), len(values)), dtype=np.float64)
        block[np.arange(len(cells)), [index[cell] for cell in cells]] = 1.0
        blocks.append(block)
        names += [f"{column}={value}" for value in values]
        numeric += [False] * len(values)
        one_hot.append(column)
    x = np.concatenate(blocks, axis=1) if blocks else np.zeros((len(rows), 0))
    return x, names, np.array(numeric, dtype=bool), one_hot


def standardise(train: np.ndarray, numeric: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, std) of the training split's numeric features; 0 and 1 for one-hot
    features and for columns with one value, so those pass through unscaled."""
    mean = np.where(numeric, train.mean(axis=0), 0.0) if len(train) else np.zeros(len(numeric))
    std = np.where(numeric, train.std(axis=0), 1.0) if len(train) else np.ones(len(numeric))
    std = np.where(std > 0, std, 1.0)
    return mean, std


def prepare_table(
    text: str, delimiter: str, target: str, task: str, val_fraction: float, seed: int
) -> dict:
    """CSV text -> standardised float32 splits, as a dict (see the module docstring)."""
    header, rows = read_rows(text, delimiter)
    t = target_index(header, target)
    kept, missing, malformed = complete_rows(rows, len(header))
    if not kept:
        raise DatasetError(
            "The CSV file has no complete rows: every one of its {n} rows misses a value; fill "
            "the gaps or remove the empty columns.",
            n=len(rows),
        )
    values = [row[t] for row in kept]
    task, reason = choose_task(values, task, header[t])
    y, classes = encode_target(values, task, header[t])
    x, features, numeric, one_hot = encode_features(header, kept, t)
    if x.shape[1] == 0:
        raise DatasetError("The CSV file has no feature columns besides the target.")
    group = y if task == "classification" else np.zeros(len(y), dtype=np.int64)
    train, val = stratified_split(group, val_fraction, seed)
    mean, std = standardise(x[train], numeric)
    y_mean, y_std = 0.0, 1.0
    if task == "regression" and len(train):
        y_mean, y_std = float(y[train].mean()), float(y[train].std()) or 1.0
        y = (y - y_mean) / y_std
    x = ((x - mean) / std).astype(np.float32)
    y = y.astype(np.int64 if task == "classification" else np.float32)
    return {
        "x_train": x[train],
        "y_train": y[train],
        "x_val": x[val],
        "y_val": y[val],
        "task": task,
        "reason": reason,
        "target": header[t],
        "classes": classes,
        "features": features,
        "one_hot": one_hot,
        "missing": missing,
        "malformed": malformed,
        "target_mean": y_mean,
        "target_std": y_std,
    }
