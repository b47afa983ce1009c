"""One editor widget per row of the core settings table (``studio.core.settings``).

The ranges and choices come from the table, so the panel accepts exactly what a
project file may hold. Each editor reports edits through ``on_edit`` and is written
back from the project with its signals blocked, so a sync never loops back as an edit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QSpinBox,
    QWidget,
)

from studio.core.settings import Setting
from studio.gui.i18n import translate_message

OBJECT_NAMES = {
    ("dataset", "name"): "datasetCombo",
    ("training", "lr"): "learningRateSpin",
    ("dataset", "target"): "csvTargetColumn",
    ("dataset", "task"): "csvTask",
}
SUFFIX = {"choice": "Combo", "int": "Spin", "float": "Spin", "bool": "Check"}


def object_name(setting: Setting) -> str:
    """``batch_size`` → ``batchSizeSpin``: the names tests and accessibility tools use."""
    fixed = OBJECT_NAMES.get((setting.section, setting.key))
    if fixed:
        return fixed
    first, *rest = setting.key.split("_")
    return first + "".join(part.title() for part in rest) + SUFFIX[setting.kind]


def label_text(setting: Setting) -> str:
    return translate_message(setting.label.template)


def help_text(setting: Setting) -> str:
    return translate_message(setting.help.template) if setting.help else ""


class NumberSpin(QDoubleSpinBox):
    """A float spin box for ranges over many decades: shows ``0.003`` or ``1e-08``, not
    a fixed number of decimals, and steps by one unit of the last shown digit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDecimals(12)
        self.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)

    def textFromValue(self, value: float) -> str:
        return f"{value:.6g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            partial = stripped == "" or all(c in "0123456789.eE+-" for c in stripped)
            state = QValidator.State.Intermediate if partial else QValidator.State.Invalid
            return state, text, pos
        ok = self.minimum() <= value <= self.maximum()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos


def make_editor(
    setting: Setting, parent: QWidget, on_edit: Callable[[Any], None]
) -> tuple[QWidget, Callable[[Any], None]]:
    """The widget for ``setting`` and a function that shows a value in it."""
    factory = {"choice": _combo, "int": _int, "float": _float, "bool": _check}[setting.kind]
    widget, write = factory(setting, parent, on_edit)
    widget.setObjectName(object_name(setting))
    widget.setAccessibleName(label_text(setting))
    if setting.help:
        widget.setToolTip(help_text(setting))
    return widget, write


def _combo(setting: Setting, parent: QWidget, on_edit: Callable[[Any], None]):
    combo = QComboBox(parent)
    for choice in setting.choices:
        combo.addItem(translate_message(choice.label.template), choice.value)
        if choice.help:
            combo.setItemData(
                combo.count() - 1,
                translate_message(choice.help.template),
                Qt.ItemDataRole.ToolTipRole,
            )
    combo.currentIndexChanged.connect(lambda: on_edit(combo.currentData()))

    def write(value: Any) -> None:
        index = combo.findData(value)
        if index < 0 and setting.open_choices:
            combo.addItem(str(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(0, index))

    return combo, write


def _int(setting: Setting, parent: QWidget, on_edit: Callable[[Any], None]):
    spin = QSpinBox(parent)
    spin.setRange(
        int(setting.low or 0), int(setting.high if setting.high is not None else 2**31 - 1)
    )
    spin.setKeyboardTracking(False)
    spin.setGroupSeparatorShown(setting.key != "seed")
    spin.valueChanged.connect(lambda value: on_edit(int(value)))
    return spin, lambda value: spin.setValue(int(value))


def _float(setting: Setting, parent: QWidget, on_edit: Callable[[Any], None]):
    spin = NumberSpin(parent)
    spin.setRange(float(setting.low or 0.0), float(setting.high or 1e9))
    spin.setKeyboardTracking(False)
    spin.valueChanged.connect(lambda value: on_edit(float(value)))
    return spin, lambda value: spin.setValue(float(value))


def _check(setting: Setting, parent: QWidget, on_edit: Callable[[Any], None]):
    box = QCheckBox(label_text(setting), parent)
    box.toggled.connect(lambda value: on_edit(bool(value)))
    return box, lambda value: box.setChecked(bool(value))
