"""Plots to PNG and a run's metrics to CSV, both written atomically."""

from __future__ import annotations

import csv
import io
import math
import os

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QImage

from studio.core.errors import FileFormatError
from studio.core.io.atomic import write_atomic
from studio.gui.plots.history import CSV_COLUMNS, Run
from studio.gui.plots.regression_data import REGRESSION_CSV_COLUMNS


def metrics_csv(run: Run) -> str:
    """One row per epoch; accuracies are fractions in [0, 1] (as in ``--metrics-json``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    columns = REGRESSION_CSV_COLUMNS if run.is_regression else CSV_COLUMNS
    class_columns = [] if run.is_regression else [f"accuracy_{name}" for name in run.classes]
    writer.writerow([*columns, *class_columns])
    for record in run.epochs:
        row = [_cell(getattr(record, column)) for column in columns]
        row += [_cell(record.per_class.get(name, math.nan)) for name in run.classes]
        writer.writerow(row)
    return buffer.getvalue()


def _cell(value: object) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"
    return str(value)


def write_metrics_csv(run: Run, path: str | os.PathLike[str]) -> None:
    text = metrics_csv(run).encode("utf-8")
    write_atomic(path, lambda handle: handle.write(text))


def write_png(image: QImage, path: str | os.PathLike[str]) -> None:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if image.isNull() or not image.save(buffer, "PNG"):
        raise FileFormatError(
            "Could not make a PNG image of this plot for {path}. "
            "Try again once the plot shows data.",
            path=str(path),
        )
    buffer.close()
    payload = bytes(data.data())
    write_atomic(path, lambda handle: handle.write(payload))
