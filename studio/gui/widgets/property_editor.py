"""Editors generated from the registry's parameter descriptions.

Spin boxes carry the allowed ranges, nullable values show their meaning (``= kernel``),
inferred parameters are shown but not editable, and a problem at the layer is shown
with its one-click fix. Signals are blocked while the editors are synced from the
model, so a model update never loops back as an edit.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QObject, QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.core.errors import StudioError
from studio.core.registry import ParamSpec, format_shape, get_spec
from studio.core.shapes import Fix
from studio.gui import colours
from studio.gui.document import ProjectDocument
from studio.gui.i18n import block_text, diagnostic_text, error_text, fix_text
from studio.gui.widgets.init_editor import InitEditor


@contextlib.contextmanager
def signals_blocked(*objects: QObject) -> Iterator[None]:
    blockers = [QSignalBlocker(o) for o in objects]
    try:
        yield
    finally:
        for blocker in blockers:
            blocker.unblock()


class PropertyEditor(QWidget):
    """Edits the input shape and the selected layer's parameters."""

    fixRequested = Signal(object)

    def __init__(self, document: ProjectDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("propertyEditor")
        self.setAccessibleName(self.tr("Layer properties"))
        self._doc = document
        self._uid: int | None = None
        self._built_for: tuple[int, str] | None = None
        self._editors: dict[str, QWidget] = {}
        self._building = False

        layout = QVBoxLayout(self)
        input_box = QGroupBox(self.tr("Input"), self)
        input_form = QFormLayout(input_box)
        self.input_shape_edit = QLineEdit(input_box)
        self.input_shape_edit.setObjectName("inputShapeEdit")
        self.input_shape_edit.setAccessibleName(self.tr("Input shape"))
        self.input_shape_edit.setToolTip(
            self.tr(
                "Channels,height,width of one sample (like 1,28,28), channels,length of a "
                "signal (like 1,784), or a feature count (like 784)."
            )
        )
        self.input_shape_edit.editingFinished.connect(self._on_input_shape)
        input_form.addRow(self.tr("Shape"), self.input_shape_edit)
        self.input_error = QLabel(input_box)
        self.input_error.setWordWrap(True)
        self.input_error.setStyleSheet(colours.text_style(colours.ERROR))
        self.input_error.hide()
        input_form.addRow(self.input_error)
        layout.addWidget(input_box)

        self.layer_box = QGroupBox(self.tr("Layer"), self)
        self.form = QFormLayout(self.layer_box)
        layout.addWidget(self.layer_box)
        self.init_editor = InitEditor(self)
        self.init_editor.initEdited.connect(self._on_init)
        layout.addWidget(self.init_editor)

        self.help_label = QLabel(self)
        self.help_label.setWordWrap(True)
        self.help_label.setObjectName("blockHelp")
        layout.addWidget(self.help_label)

        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("layerProblem")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.problem_label)
        self.fix_button = QPushButton(self)
        self.fix_button.setObjectName("fixButton")
        self.fix_button.clicked.connect(self._on_fix)
        layout.addWidget(self.fix_button)
        layout.addStretch(1)
        self._fix: Fix | None = None

        document.model.reportChanged.connect(self.sync)
        document.projectReplaced.connect(lambda: self.set_row(-1))
        self.set_row(-1)

    # --- selection ------------------------------------------------------------------

    def set_row(self, row: int) -> None:
        """Show the layer at ``row``; it is then followed by identity through moves and undo."""
        arch = self._doc.architecture
        self._uid = arch[row].uid if 0 <= row < len(arch) else None
        self.sync()

    @property
    def row(self) -> int:
        """The row of the layer shown, or -1."""
        if self._uid is None:
            return -1
        try:
            return self._doc.architecture.index_of(self._uid)
        except KeyError:
            return -1

    def _rebuild(self, row: int) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self._editors.clear()
        arch = self._doc.architecture
        if not 0 <= row < len(arch):
            self._built_for = None
            self.layer_box.setTitle(self.tr("Layer"))
            self.form.addRow(QLabel(self.tr("Select a layer to edit its parameters."), self))
            self.help_label.clear()
            return
        block = arch[row]
        self._built_for = (block.uid, block.type)
        spec = get_spec(block.type)
        self.help_label.setText(block_text(spec.help))
        for name in spec.inferred:
            label = QLabel(self)
            label.setObjectName(f"inferred_{name}")
            label.setToolTip(self.tr("Inferred from the layer before; not editable."))
            self._editors[name] = label
            self.form.addRow(name, label)
        for pspec in spec.params:
            editor = self._make_editor(pspec)
            editor.setObjectName(f"param_{pspec.name}")
            editor.setAccessibleName(pspec.name)
            editor.setToolTip(block_text(pspec.help))
            self._editors[pspec.name] = editor
            self.form.addRow(pspec.name, editor)
        self.frozen_check = QCheckBox(self.tr("Frozen: the weights do not train"), self)
        self.frozen_check.setObjectName("frozenCheck")
        self.frozen_check.toggled.connect(self._on_frozen)
        self.form.addRow(self.frozen_check)

    def _make_editor(self, pspec: ParamSpec) -> QWidget:
        name = pspec.name
        if pspec.kind == "bool":
            box = QCheckBox(self)
            box.toggled.connect(lambda value, n=name: self._edit(n, bool(value)))
            return box
        if pspec.kind == "int":
            spin = QSpinBox(self)
            low = int(pspec.minimum if pspec.minimum is not None else -(2**31))
            high = int(pspec.maximum if pspec.maximum is not None else 2**31 - 1)
            if pspec.nullable:
                spin.setRange(low - 1, high)
                spin.setSpecialValueText(block_text(pspec.null_label) or self.tr("default"))
            else:
                spin.setRange(low, high)
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(
                lambda value, n=name, s=pspec: self._edit(
                    n, None if s.nullable and value < (s.minimum or 0) else int(value)
                )
            )
            return spin
        if pspec.kind == "choice":
            combo = QComboBox(self)
            if pspec.nullable:  # first entry: no value (a Backbone's random weights)
                combo.addItem(block_text(pspec.null_label) or self.tr("default"), None)
            for choice in pspec.choices:  # torch's own words (nearest, bilinear)
                combo.addItem(choice, choice)
            combo.currentIndexChanged.connect(
                lambda index, n=name, box=combo: self._edit(n, box.itemData(index))
            )
            return combo
        return self._float_editor(pspec)

    def _float_editor(self, pspec: ParamSpec) -> QDoubleSpinBox:
        name = pspec.name
        spin = QDoubleSpinBox(self)
        spin.setDecimals(6 if (pspec.maximum or 1) <= 1 else 3)
        low = pspec.minimum or 0.0
        if pspec.nullable:  # one step below the minimum stands for "empty"
            spin.setRange(max(0.0, low - 0.01) if low > 0 else low - 1.0, pspec.maximum or 1e9)
            spin.setSpecialValueText(block_text(pspec.null_label) or self.tr("default"))
        else:
            spin.setRange(low, pspec.maximum or 1e9)
        spin.setSingleStep(0.05 if (pspec.maximum or 1) <= 1 else 1.0)
        spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        spin.setKeyboardTracking(False)
        spin.valueChanged.connect(
            lambda value, n=name, s=pspec, box=spin: self._edit(
                n, None if s.nullable and value <= box.minimum() else float(value)
            )
        )
        return spin

    # --- syncing from the model -----------------------------------------------------

    def sync(self) -> None:
        arch = self._doc.architecture
        with signals_blocked(self.input_shape_edit):
            if not self.input_shape_edit.hasFocus():
                self.input_shape_edit.setText(",".join(str(n) for n in arch.input_shape))
        row = self.row
        block = arch[row] if row >= 0 else None
        if block is None or self._built_for != (block.uid, block.type):
            self._rebuild(row)
        self.init_editor.show_block(block, self._doc.locked)
        if block is None:
            self._show_problem(None)
            return
        self.layer_box.setTitle(
            self.tr("Layer {index}: {block}").format(index=row, block=block.type)
        )
        report = self._doc.model.report
        layer = report.layers[row] if row < len(report.layers) else None
        spec = get_spec(block.type)
        inferred = spec.infer(layer.input_shape) if layer and layer.input_shape else {}
        for name, editor in self._editors.items():
            with signals_blocked(editor):
                if isinstance(editor, QLabel):
                    self._show_inferred(editor, inferred.get(name), layer)
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(bool(block.params.get(name)))
                elif isinstance(editor, QSpinBox):
                    value = block.params.get(name)
                    editor.setValue(editor.minimum() if value is None else int(value))
                elif isinstance(editor, QDoubleSpinBox):
                    value = block.params.get(name)
                    editor.setValue(editor.minimum() if value is None else float(value))
                elif isinstance(editor, QComboBox):
                    editor.setCurrentIndex(max(0, editor.findData(block.params.get(name))))
                editor.setEnabled(not self._doc.locked)
        self._sync_frozen(row)
        diags = report.diagnostics_at(row)
        self._show_problem(diags[0] if diags else None, layer)

    def _sync_frozen(self, row: int) -> None:
        """The Frozen box, for layers with parameters only (as the card's lock)."""
        from studio.gui.models.architecture_model import FreezableRole, FrozenRole

        index = self._doc.model.index(row)
        self.form.setRowVisible(self.frozen_check, bool(index.data(FreezableRole)))
        with signals_blocked(self.frozen_check):
            self.frozen_check.setChecked(bool(index.data(FrozenRole)))
        self.frozen_check.setEnabled(not self._doc.locked)

    def _show_inferred(self, label: QLabel, value: Any, layer: Any) -> None:
        """An inferred size, or "?" with the reason when the input does not give one."""
        label.setText("?" if value is None else str(value))
        shape = layer.input_shape if layer is not None else None
        if value is None and shape and len(shape) > 1:
            flat = 1
            for size in shape:
                flat *= size
            label.setText(
                self.tr("? (the input {shape} is not flat)").format(shape=format_shape(shape))
            )
            label.setToolTip(
                self.tr("A Flatten before this layer would give it {count} features.").format(
                    count=f"{flat:,}"
                )
            )
        else:
            label.setToolTip(self.tr("Inferred from the layer before; not editable."))

    def _show_problem(self, diag: Any, layer: Any = None) -> None:
        self._fix = diag.fix if diag else None
        if diag is None:
            text = ""
            if layer is not None and layer.output_shape:
                text = self.tr("Output {shape}, {params} parameters").format(
                    shape=format_shape(layer.output_shape), params=f"{layer.params:,}"
                )
            self.problem_label.setStyleSheet("")
            self.problem_label.setText(text)
        else:
            colour = colours.severity_colour(diag.severity)
            self.problem_label.setStyleSheet(colours.text_style(colour))
            self.problem_label.setText(diagnostic_text(diag))
        self.fix_button.setVisible(self._fix is not None)
        if self._fix is not None:
            self.fix_button.setText(fix_text(self._fix))
            self.fix_button.setEnabled(not self._doc.locked)

    # --- edits ------------------------------------------------------------------------

    def _edit(self, name: str, value: Any) -> None:
        if self.row >= 0:
            try:
                self._doc.set_param(self.row, name, value)
            except StudioError:
                self.sync()

    def _on_frozen(self, frozen: bool) -> None:
        if self.row >= 0:
            try:
                self._doc.set_frozen(self.row, frozen)
            except StudioError:
                self.sync()

    def _on_init(self, init: Any) -> None:
        if self.row >= 0:
            try:
                self._doc.set_init(self.row, init)
            except StudioError:
                self.sync()

    def _on_input_shape(self) -> None:
        from studio.core.architecture import parse_shape

        try:
            shape = parse_shape(self.input_shape_edit.text())
            self._doc.set_input_shape(shape)
        except StudioError as error:
            self.input_error.setText(error_text(error))
            self.input_error.show()
            return
        self.input_error.hide()

    def _on_fix(self) -> None:
        if self._fix is not None:
            self.fixRequested.emit(self._fix)
