"""The Code tab: the generated model definition or training script, highlighted, with Copy."""

from __future__ import annotations

import keyword

from PySide6.QtCore import QRegularExpression, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import Message, StudioError
from studio.gui import colours
from studio.gui.document import ProjectDocument
from studio.gui.i18n import error_text


def _format(colour: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(colour))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class PythonHighlighter(QSyntaxHighlighter):
    """Keywords, numbers, strings and comments: enough for generated code."""

    def __init__(self, document) -> None:
        super().__init__(document)
        words = "|".join(keyword.kwlist)
        self._rules = [
            (QRegularExpression(rf"\b({words})\b"), _format("#0033b3", bold=True)),
            (QRegularExpression(r"\bnn\.\w+|\btorch\.\w+|\bF\.\w+"), _format("#00627a")),
            (QRegularExpression(r"\b\d+(\.\d+)?(e-?\d+)?\b"), _format("#1750eb")),
            (QRegularExpression(r"\"[^\"]*\"|'[^']*'"), _format("#067d17")),
            (QRegularExpression(r"#[^\n]*"), _format("#8c8c8c", italic=True)),
        ]

    def highlightBlock(self, text: str) -> None:
        for pattern, fmt in self._rules:
            matches = pattern.globalMatch(text)
            while matches.hasNext():
                match = matches.next()
                self.setFormat(match.capturedStart(), match.capturedLength(), fmt)


MODEL_HEADER = "import torch.nn as nn\n\n"
FIRST_LAYER_LINE = 3
"""Line (from 0) of layer 0 in the model definition: after the import, a blank line and
``model = nn.Sequential(``."""


class CodePanel(QWidget):
    """Shows code for the current project; regenerates shortly after each change."""

    MODEL, SCRIPT = 0, 1

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._doc = document
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("codeKindCombo")
        self.kind_combo.setAccessibleName(self.tr("Code to show"))
        self.kind_combo.addItems([self.tr("Model definition"), self.tr("Full training script")])
        self.kind_combo.currentIndexChanged.connect(self.regenerate)
        bar.addWidget(self.kind_combo)
        bar.addStretch(1)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setObjectName("copyCodeButton")
        self.copy_button.setToolTip(self.tr("Copy the code to the clipboard"))
        self.copy_button.clicked.connect(self.copy)
        bar.addWidget(self.copy_button)
        layout.addLayout(bar)
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("codeView")
        self.editor.setAccessibleName(self.tr("Generated code"))
        self.editor.setReadOnly(True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._highlighter = PythonHighlighter(self.editor.document())
        layout.addWidget(self.editor, 1)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(150)
        self._timer.timeout.connect(self.regenerate)
        document.model.reportChanged.connect(self._timer.start)
        document.settingsChanged.connect(self._timer.start)
        document.projectReplaced.connect(self._timer.start)
        self.regenerate()

    def code(self) -> str:
        return self.editor.toPlainText()

    def regenerate(self) -> None:
        """Rebuild the code text, keeping the scroll position."""
        scroll = self.editor.verticalScrollBar().value()
        faulty: int | None = None
        try:
            text = self._generate()
            self.status.clear()
        except StudioError as error:
            text, faulty = self._model_with_problem()
            self.status.setText(error_text(error))
        if text != self.editor.toPlainText():
            self.editor.setPlainText(text)
            self.editor.verticalScrollBar().setValue(scroll)
        self._mark_line(faulty)

    def _model_with_problem(self) -> tuple[str, int | None]:
        """The model definition as it stands, and the line of the first faulty layer."""
        from studio.core.codegen.model_code import model_definition

        report = self._doc.model.report
        if report.ok:
            return "", None
        try:
            text = MODEL_HEADER + model_definition(self._doc.project.architecture)
        except StudioError:
            return "", None
        first = report.errors[0].index
        return text, FIRST_LAYER_LINE + first if first is not None and first >= 0 else None

    def _mark_line(self, line: int | None) -> None:
        """Tint the faulty layer's line, as an editor marks an error."""
        selections = []
        block = self.editor.document().findBlockByNumber(line) if line is not None else None
        if block is not None and block.isValid():
            selection = QTextEdit.ExtraSelection()
            selection.format.setBackground(QColor(colours.ERROR_BACKGROUND))
            selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            selection.cursor = QTextCursor(block)
            selections.append(selection)
            self.editor.setTextCursor(QTextCursor(block))
        self.editor.setExtraSelections(selections)

    def _generate(self) -> str:
        project = self._doc.project
        if not self._doc.model.report.ok:
            first = self._doc.model.report.errors[0]
            raise StudioError(
                "Fix the problem at layer {index} to see the code: {message}",
                index=first.index,
                message=Message(first.template, first.args),
            )
        if self.kind_combo.currentIndex() == self.MODEL:
            from studio.core.codegen.model_code import model_definition

            return MODEL_HEADER + model_definition(project.architecture)
        from studio.core.codegen.training_script import export_script

        return export_script(project)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code())
        self.status.setText(self.tr("Copied to the clipboard."))
