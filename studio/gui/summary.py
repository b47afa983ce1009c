"""The summary line under the layer stack: totals, cost, and the first problem with its fix."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from studio.core.shapes import Fix
from studio.gui.i18n import diagnostic_text, fix_text


def human_count(value: float) -> str:
    for unit, size in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value:.0f}"


def human_bytes(value: float) -> str:
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value:.0f} B"


class ShapeSummary(QWidget):
    """Shows total parameters, memory and multiply-accumulates; flags the first problem."""

    fixRequested = Signal(object)

    def __init__(self, document, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.label = QLabel(self)
        self.label.setObjectName("shapeSummary")
        self.label.setAccessibleName(self.tr("Network summary"))
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        row = QHBoxLayout()
        self.problem = QLabel(self)
        self.problem.setObjectName("problemSummary")
        self.problem.setWordWrap(True)
        row.addWidget(self.problem, 1)
        self.fix_button = QPushButton(self)
        self.fix_button.setObjectName("summaryFixButton")
        self.fix_button.clicked.connect(self._on_fix)
        row.addWidget(self.fix_button)
        layout.addLayout(row)
        self._fix: Fix | None = None
        document.model.reportChanged.connect(self.refresh)
        self.refresh()

    def first_fix(self) -> Fix | None:
        return self._fix

    def refresh(self) -> None:
        report = self._doc.model.report
        params = report.total_params
        self.label.setText(
            self.tr("%1 layers · %2 parameters (%3) · %4 MACs and %5 activations per sample")
            .replace("%1", str(len(report.layers)))
            .replace("%2", f"{params:,}")
            .replace("%3", human_bytes(params * 4))
            .replace("%4", human_count(report.total_macs))
            .replace("%5", human_bytes(report.activation_bytes))
        )
        problems = report.errors or report.warnings
        first = problems[0] if problems else None
        self._fix = first.fix if first else None
        if first is None:
            self.problem.setText(self.tr("✔ Every layer fits."))
            self.problem.setStyleSheet("color: #2e7d32")
        else:
            where = (
                self.tr("Layer %1").replace("%1", str(first.index))
                if first.index >= 0
                else self.tr("Input")
            )
            count = len(report.errors)
            prefix = (
                self.tr("✖ %1 problem(s). ").replace("%1", str(count)) if report.errors else "⚠ "
            )
            self.problem.setText(
                prefix
                + self.tr("%1: %2").replace("%1", where).replace("%2", diagnostic_text(first))
            )
            self.problem.setStyleSheet("color: #d62728" if report.errors else "color: #b8860b")
        self.fix_button.setVisible(self._fix is not None)
        if self._fix is not None:
            self.fix_button.setText(fix_text(self._fix))

    def _on_fix(self) -> None:
        if self._fix is not None:
            self.fixRequested.emit(self._fix)
