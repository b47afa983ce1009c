"""The "Initialisation" group of the property editor: a layer's own weight and bias init.

Its kind combos and number fields come from the core table (``studio.core.initialisation``),
so the editor offers exactly what a project file may hold. It only reports edits
(``initEdited`` with the layer's new ``LayerInit`` or ``None``); the property editor turns
them into undo commands. Signals are blocked while it is synced from the model.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from studio.core.errors import StudioError
from studio.core.initialisation import (
    KINDS,
    ROLES,
    LayerInit,
    TensorInit,
    kinds_for,
    parse_tensor_init,
)
from studio.core.registry import ParamSpec, get_spec
from studio.gui import colours
from studio.gui.i18n import error_text, translate_message

COMBO_NAMES = {"weight": "initWeightKind", "bias": "initBiasKind"}


class _NumberBox(QDoubleSpinBox):
    """Shows 0.01 rather than 0.010000: init values are read more than they are stepped."""

    def textFromValue(self, value: float) -> str:
        text = f"{value:.{self.decimals()}f}".rstrip("0").rstrip(".")
        return "0" if text in ("", "-0") else text


class InitEditor(QGroupBox):
    """Weight and bias init of one layer with weights; hidden for other layers."""

    initEdited = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Initialisation"), parent)
        self.setObjectName("initEditor")
        self.setToolTip(
            self.tr(
                "How this layer's weights and bias start before training. Default follows the "
                "project's Weight init and Bias init settings."
            )
        )
        self._init: LayerInit | None = None
        self._form = QFormLayout(self)
        self._combos: dict[str, QComboBox] = {}
        self._rows: dict[str, QWidget] = {}
        self._fields: dict[str, dict[str, QWidget]] = {role: {} for role in ROLES}
        self._built: dict[str, str | None] = {role: None for role in ROLES}
        for role in ROLES:
            combo = QComboBox(self)
            combo.setObjectName(COMBO_NAMES[role])
            for kind in kinds_for(role):
                combo.addItem(translate_message(KINDS[kind].label.template), kind)
                tip = translate_message(KINDS[kind].help.template)
                combo.setItemData(combo.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
            combo.currentIndexChanged.connect(lambda _, r=role: self._on_kind(r))
            self._combos[role] = combo
            label = self.tr("Weight") if role == "weight" else self.tr("Bias")
            combo.setAccessibleName(self.tr("{part} initialisation").format(part=label))
            self._form.addRow(label, combo)
            row = QWidget(self)
            QHBoxLayout(row).setContentsMargins(0, 0, 0, 0)
            self._rows[role] = row
            self._form.addRow(row)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("initProblem")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(colours.text_style(colours.ERROR))
        self.error_label.hide()
        self._form.addRow(self.error_label)

    # --- syncing from the model -----------------------------------------------------

    def show_block(self, block: Any, locked: bool) -> None:
        """Show ``block``'s init, or hide the group for a layer without weights."""
        if block is None or not get_spec(block.type).init:
            self.hide()
            return
        self.show()
        self._init = block.init
        has_bias = bool(block.params.get("bias", True))
        for role in ROLES:
            part = block.init.get(role) if block.init else None
            kind = part.kind if part else "default"
            combo = self._combos[role]
            blocker = QSignalBlocker(combo)
            combo.setCurrentIndex(combo.findData(kind))
            blocker.unblock()
            self._build_fields(role, part)
            enabled = not locked and (role == "weight" or has_bias)
            combo.setEnabled(enabled)
            self._rows[role].setEnabled(enabled)
        bias_tip = "" if has_bias else self.tr("This layer has no bias (its bias box is off).")
        self._combos["bias"].setToolTip(bias_tip)

    def _build_fields(self, role: str, part: TensorInit | None) -> None:
        """The parameter fields of the chosen kind, filled with its values."""
        row = self._rows[role]
        kind = part.kind if part else None
        if kind is not None and kind == self._built[role]:
            for name, value in part.args.items():  # same kind: only the values change
                editor = self._fields[role][name]
                blocker = QSignalBlocker(editor)
                if isinstance(editor, QComboBox):
                    editor.setCurrentText(str(value))
                elif isinstance(editor, QDoubleSpinBox):
                    editor.setValue(float(value))
                blocker.unblock()
            return
        self._built[role] = kind
        layout = row.layout()
        while layout.count():
            item = layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.setParent(None)  # gone from findChild now, not only after deleteLater
                widget.deleteLater()
        self._fields[role] = {}
        if part is None:
            row.hide()
            return
        values = part.args
        for pspec in KINDS[part.kind].params:
            name = pspec.name
            layout.addWidget(QLabel(name, row))
            editor = self._field(role, pspec, values[name])
            editor.setObjectName(f"init{role.capitalize()}_{name}")
            editor.setAccessibleName(f"{role} {name}")
            self._fields[role][name] = editor
            layout.addWidget(editor, 1)
        row.show()

    def _field(self, role: str, pspec: ParamSpec, value: Any) -> QWidget:
        if pspec.kind == "choice":
            combo = QComboBox(self)
            combo.addItems(list(pspec.choices))  # torch's own words (fan_in, relu)
            combo.setCurrentText(str(value))
            combo.currentTextChanged.connect(lambda _, r=role: self._on_value(r))
            return combo
        spin = _NumberBox(self)
        spin.setDecimals(6)
        spin.setRange(pspec.minimum or 0.0, pspec.maximum or 1e6)
        spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        spin.setKeyboardTracking(False)
        spin.setValue(float(value))
        spin.valueChanged.connect(lambda _, r=role: self._on_value(r))
        return spin

    # --- edits ------------------------------------------------------------------------

    def _on_kind(self, role: str) -> None:
        kind = self._combos[role].currentData()
        part = None if kind == "default" else parse_tensor_init({"kind": kind}, role)
        self._emit(role, part)

    def _on_value(self, role: str) -> None:
        kind = self._combos[role].currentData()
        values: dict[str, Any] = {"kind": kind}
        for name, editor in self._fields[role].items():
            if isinstance(editor, QComboBox):
                values[name] = editor.currentText()
            elif isinstance(editor, QDoubleSpinBox):
                values[name] = editor.value()
        try:
            part = parse_tensor_init(values, role)
        except StudioError as error:
            self.error_label.setText(error_text(error))
            self.error_label.show()
            return
        self._emit(role, part)

    def _emit(self, role: str, part: TensorInit | None) -> None:
        self.error_label.hide()
        self.initEdited.emit((self._init or LayerInit()).with_role(role, part))
