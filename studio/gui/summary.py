"""The summary line under the layer stack: totals, cost, and the first problem with its fix."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from studio.core.shapes import Fix
from studio.gui import colours
from studio.gui.i18n import diagnostic_text, fix_text, translate_message
from studio.gui.models.freezing import trainable_total


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
        suggestion = QHBoxLayout()
        self.suggestion = QLabel(self)
        self.suggestion.setObjectName("datasetSuggestion")
        self.suggestion.setWordWrap(True)
        suggestion.addWidget(self.suggestion, 1)
        self.suggestion_button = QPushButton(self)
        self.suggestion_button.setObjectName("datasetSuggestionButton")
        self.suggestion_button.clicked.connect(self._use_suggested_dataset)
        suggestion.addWidget(self.suggestion_button)
        layout.addLayout(suggestion)
        self._fix: Fix | None = None
        self._suggested: str | None = None
        document.model.reportChanged.connect(self.refresh)
        document.settingsChanged.connect(self.refresh)
        document.projectReplaced.connect(self.refresh)
        self.refresh()

    def first_fix(self) -> Fix | None:
        return self._fix

    def refresh(self) -> None:
        report = self._doc.model.report
        params = report.total_params
        trainable = trainable_total(self._doc.architecture, report)
        if trainable == params:
            weights = self.tr("{params} parameters ({size})")
        else:
            weights = self.tr("{trainable} of {params} parameters train ({size})")
        weights = weights.format(
            params=f"{params:,}", trainable=f"{trainable:,}", size=human_bytes(params * 4)
        )
        self.label.setText(
            self.tr(
                "{layers} layers · {weights} · {macs} MACs and {activations} activations per sample"
            ).format(
                layers=len(report.layers),
                weights=weights,
                macs=human_count(report.total_macs),
                activations=human_bytes(report.activation_bytes),
            )
        )
        self._refresh_suggestion()
        problems = report.errors or report.warnings
        first = problems[0] if problems else None
        self._fix = first.fix if first else None
        if not len(self._doc.architecture):
            self._fix = None
            self.problem.setText(self.tr("Drag a block here, or double-click one."))
            self.problem.setStyleSheet("")
        elif first is None:
            self.problem.setText(self.tr("✔ Every layer fits."))
            self.problem.setStyleSheet(colours.text_style(colours.OK))
        else:
            where = (
                self.tr("Layer {index}").format(index=first.index)
                if first.index >= 0
                else self.tr("Input")
            )
            count = len(report.errors)
            prefix = (
                self.tr("✖ {count} problem(s). ").format(count=count) if report.errors else "⚠ "
            )
            self.problem.setText(
                prefix
                + self.tr("{where}: {problem}").format(where=where, problem=diagnostic_text(first))
            )
            self.problem.setStyleSheet(
                colours.text_style(colours.ERROR if report.errors else colours.WARNING)
            )
        self.fix_button.setVisible(self._fix is not None)
        if self._fix is not None:
            self.fix_button.setText(fix_text(self._fix))

    def _refresh_suggestion(self) -> None:
        """Offer the built-in dataset whose images have the network's input shape."""
        from studio.core.settings import matching_dataset, setting

        project = self._doc.project
        self._suggested = matching_dataset(project.architecture.input_shape, project.dataset.name)
        self.suggestion.setVisible(self._suggested is not None)
        self.suggestion_button.setVisible(self._suggested is not None)
        if self._suggested is None:
            return
        title = next(
            translate_message(c.label.template)
            for c in setting("dataset", "name").choices
            if c.value == self._suggested
        )
        shape = "×".join(str(n) for n in project.architecture.input_shape)
        self.suggestion.setText(
            self.tr("⚠ The input is {shape}, which {dataset} gives as it is.").format(
                shape=shape, dataset=title
            )
        )
        self.suggestion.setStyleSheet(colours.text_style(colours.WARNING))
        self.suggestion_button.setText(self.tr("Use {dataset}").format(dataset=title))

    def _use_suggested_dataset(self) -> None:
        if self._suggested is not None:
            self._doc.set_setting("dataset", "name", self._suggested)

    def _on_fix(self) -> None:
        if self._fix is not None:
            self.fixRequested.emit(self._fix)
