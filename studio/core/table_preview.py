"""A small look at a CSV table before training: its header, first rows, task and features.

The window shows this under the dataset choice: the header fills the target-column
choice, the first rows show what the file holds, and the number of features is the
input shape the window offers. The head is read on its own (a few kilobytes), so
the columns are there even when the table as a whole cannot be used yet; that
problem travels with the preview instead of replacing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.core.errors import DatasetError, StudioError
from studio.core.project import DatasetConfig

HEAD_BYTES = 65536
"""Enough for the header and the first rows of any sane table."""
HEAD_ROWS = 5


@dataclass
class TablePreview:
    """What the panel shows of a CSV table."""

    columns: list[str]
    rows: list[list[str]]
    """The first data rows, as written in the file."""
    target: str = ""
    task: str = ""
    """``classification`` or ``regression`` as inferred or chosen; '' when unknown."""
    features: list[str] = field(default_factory=list)
    """The network's input features (one-hot columns count once per value)."""
    row_count: int = 0
    """Complete rows, the ones training uses."""
    skipped: int = 0
    """Rows left out for a missing value or a wrong number of fields."""
    classes: list[str] = field(default_factory=list)
    counts: list[int] | None = None
    problem: StudioError | None = None
    """Why the table cannot be trained on as set up (the columns are still known)."""

    @property
    def input_shape(self) -> tuple[int, ...] | None:
        """(number of features,), or None when the table could not be prepared."""
        return (len(self.features),) if self.features else None


def preview_table(config: DatasetConfig) -> TablePreview:
    """Header and first rows of ``config``'s CSV file, and what training would make of it.

    Raises ``DatasetError`` when the file cannot be read at all (missing, binary,
    no header); a problem with the chosen target or task is kept in ``problem``.
    """
    from studio.core.data import csv_table, table_rules

    file = csv_table.check_file(config.path)
    head = _head_text(file)
    delimiter = csv_table.sniff_delimiter(head)
    columns, rows = table_rules.read_rows(head, delimiter)
    preview = TablePreview(columns, [list(row) for row in rows[:HEAD_ROWS]])
    try:
        table, _, _ = csv_table.prepared_table(config)
    except StudioError as error:
        preview.problem = error
        return preview
    preview.target = str(table["target"])
    preview.task = str(table["task"])
    preview.features = list(table["features"])
    preview.row_count = len(table["y_train"]) + len(table["y_val"])
    preview.skipped = int(table["missing"]) + int(table["malformed"])
    preview.classes = list(table["classes"])
    if preview.task == "classification" and preview.classes:
        labels = np.concatenate([table["y_train"], table["y_val"]]).astype(np.int64)
        preview.counts = np.bincount(labels, minlength=len(preview.classes)).tolist()
    return preview


def _head_text(file: Path) -> str:
    """The first kilobytes as text (UTF-8, else Latin-1), cut at the last whole line."""
    try:
        with file.open("rb") as handle:
            raw = handle.read(HEAD_BYTES)
    except OSError as error:
        raise DatasetError(
            "Could not read the CSV file {path} ({reason}); check its permissions.",
            path=str(file),
            reason=error.strerror or type(error).__name__,
        ) from error
    if len(raw) == HEAD_BYTES and b"\n" in raw:
        raw = raw[: raw.rindex(b"\n")]
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
