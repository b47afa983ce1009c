"""Under the dataset choice: its classes, images per class and a few samples.

The preview is computed by the core (``studio.core.dataset_preview``) in the thread
pool, so listing a large image folder never blocks the window; a result for a dataset
that is no longer chosen is dropped.
"""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from studio.core.errors import StudioError
from studio.core.table_preview import TablePreview
from studio.gui import colours
from studio.gui.i18n import error_text
from studio.gui.widgets.table_preview import TablePreviewView

MAX_CLASSES_LISTED = 6
TABLE = "csv"


class _Relay(QObject):
    done = Signal(object, object, object)  # key, preview or None, error text or None


class _PreviewJob(QRunnable):
    def __init__(self, key: Any, config: Any, relay: _Relay) -> None:
        super().__init__()
        self._key, self._config, self._relay = key, config, relay

    def run(self) -> None:
        from studio.core.dataset_preview import preview_dataset
        from studio.core.table_preview import preview_table

        preview, error = None, None
        try:
            if self._config.name == TABLE:
                preview = preview_table(self._config)
            else:
                preview = preview_dataset(self._config)
        except StudioError as exc:
            error = error_text(exc)
        except Exception as exc:  # the preview is only a convenience
            error = str(exc)
        with contextlib.suppress(RuntimeError):  # the window closed meanwhile
            self._relay.done.emit(self._key, preview, error)


def thumbnail(image: np.ndarray) -> QPixmap:
    """An (H, W, C) uint8 image as a pixmap."""
    height, width, channels = image.shape
    data = np.ascontiguousarray(image)
    fmt = QImage.Format.Format_Grayscale8 if channels == 1 else QImage.Format.Format_RGB888
    return QPixmap.fromImage(QImage(data.data, width, height, width * channels, fmt).copy())


class DatasetPreviewWidget(QWidget):
    """A summary line, a row of thumbnails, and the dataset's problem if it has one."""

    previewShown = Signal()
    tableShown = Signal(object)
    """A CSV table's preview (``TablePreview``): its columns and features, for the panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("datasetPreview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel(self)
        self.summary.setObjectName("datasetSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.samples = QWidget(self)
        self.samples.setObjectName("datasetSamples")
        self.samples.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._samples_row = QHBoxLayout(self.samples)
        self._samples_row.setContentsMargins(0, 0, 0, 0)
        self._samples_row.setSpacing(2)
        layout.addWidget(self.samples)
        self.table = TablePreviewView(self)
        layout.addWidget(self.table)
        self.problem = QLabel(self)
        self.problem.setObjectName("datasetProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(colours.text_style(colours.ERROR))
        self.problem.hide()
        layout.addWidget(self.problem)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._key: Any = None

    def refresh(self, config: Any) -> None:
        """Preview ``config`` (a ``DatasetConfig``) unless it is already shown."""
        key = (config.name, config.path, getattr(config, "target", ""), getattr(config, "task", ""))
        if key == self._key:
            return
        self._key = key
        self.summary.setText(self.tr("Reading the dataset…"))
        QThreadPool.globalInstance().start(_PreviewJob(key, config, self._relay))

    def _on_done(self, key: Any, preview: Any, error: str | None) -> None:
        if key != self._key:
            return
        self._clear_samples()
        self.table.setVisible(isinstance(preview, TablePreview))
        self.problem.setVisible(error is not None)
        if error is not None:
            self.summary.clear()
            self.problem.setText(error)
        elif isinstance(preview, TablePreview):
            self._show_table(preview)
        else:
            self.summary.setText(self._summary_text(preview))
            for image, name in preview.samples:
                label = QLabel(self.samples)
                label.setPixmap(thumbnail(image))
                label.setToolTip(name)
                label.setFixedSize(image.shape[1] + 2, image.shape[0] + 2)
                label.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self._samples_row.addWidget(label)
            self._samples_row.addStretch(1)
        self.previewShown.emit()

    def _show_table(self, preview: TablePreview) -> None:
        self.summary.setText(self.table.summary(preview))
        self.table.show_preview(preview)
        self.problem.setVisible(preview.problem is not None)
        if preview.problem is not None:
            self.problem.setText(error_text(preview.problem))
        self.tableShown.emit(preview)

    def _summary_text(self, preview: Any) -> str:
        classes = preview.classes
        if preview.counts is None:
            listed = ", ".join(classes[:MAX_CLASSES_LISTED])
        else:
            listed = ", ".join(
                f"{name} ({count:,})"
                for name, count in zip(classes[:MAX_CLASSES_LISTED], preview.counts, strict=False)
            )
        if len(classes) > MAX_CLASSES_LISTED:
            listed += ", …"
        text = self.tr("{count} classes: {names}").format(count=len(classes), names=listed)
        if preview.counts is None:
            text += " " + self.tr("(downloaded on first use)")
        else:
            text += " " + self.tr("· {count} images").format(count=f"{sum(preview.counts):,}")
        return text

    def _clear_samples(self) -> None:
        while self._samples_row.count():
            item = self._samples_row.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)  # gone from the row and its children now, not later
                widget.deleteLater()
