"""The property editor's Initialisation group, driven with real key and mouse events."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QGroupBox, QLabel, QListView

from studio.core.initialisation import make_init
from studio.gui.models.architecture_model import InitRole
from tests.gui.test_new_block_editing import type_into


def select_row(qtbot, window, row: int) -> QListView:
    stack = window.findChild(QListView, "layerStack")
    rect = stack.visualRect(stack.model().index(row))
    qtbot.mouseClick(stack.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.property_editor.row == row, timeout=2000)
    return stack


def choose(qtbot, combo: QComboBox, steps: int) -> None:
    combo.setFocus()
    for _ in range(steps):
        qtbot.keyClick(combo, Qt.Key.Key_Down)


def test_weight_and_bias_init_are_edited_undone_and_redone(window, qtbot):
    stack = select_row(qtbot, window, 0)  # the first Conv2d
    group = window.findChild(QGroupBox, "initEditor")
    assert group.isVisible()
    conv = window.document.architecture[0]
    weight_kind = window.findChild(QComboBox, "initWeightKind")
    assert weight_kind.currentData() == "default" and conv.init is None

    choose(qtbot, weight_kind, 1)  # Normal
    assert conv.init.weight == make_init("normal", mean=0.0, std=0.01)
    std = window.findChild(QDoubleSpinBox, "initWeight_std")
    qtbot.waitUntil(lambda: std is not None and std.isVisible(), timeout=2000)
    type_into(qtbot, std, "0.05")
    assert conv.init.weight.args == {"mean": 0.0, "std": 0.05}

    bias_kind = window.findChild(QComboBox, "initBiasKind")
    choose(qtbot, bias_kind, 3)  # Default → Normal → Uniform → Constant
    assert conv.init.bias == make_init("constant", value=0.0)
    type_into(qtbot, window.findChild(QDoubleSpinBox, "initBias_value"), "0.5")
    assert conv.init.bias.args == {"value": 0.5}
    assert "normal" in stack.model().index(0).data(InitRole)
    assert "constant" in stack.model().index(0).data(Qt.ItemDataRole.ToolTipRole)
    saved = window.document.project.to_dict()["architecture"]["layers"][0]["init"]
    assert saved["bias"] == {"kind": "constant", "value": 0.5}

    undo = window.document.undo_stack
    undo.undo()  # the bias: its kind and value were one step
    assert conv.init.bias is None and conv.init.weight.args["std"] == 0.05
    qtbot.waitUntil(lambda: bias_kind.currentData() == "default", timeout=2000)
    undo.undo()  # the weight's kind and std
    assert conv.init is None and weight_kind.currentData() == "default"
    assert not stack.model().index(0).data(InitRole)
    undo.redo()
    assert conv.init.weight == make_init("normal", mean=0.0, std=0.05)
    assert weight_kind.currentData() == "normal" and std.value() == 0.05


def test_kaiming_choices_and_a_bad_uniform_range(window, qtbot):
    select_row(qtbot, window, 7)  # the first Linear
    linear = window.document.architecture[7]
    choose(qtbot, window.findChild(QComboBox, "initWeightKind"), 9)  # Kaiming normal
    assert linear.init.weight.kind == "kaiming_normal"
    mode = window.findChild(QComboBox, "initWeight_mode")
    qtbot.waitUntil(lambda: mode is not None and mode.isVisible(), timeout=2000)
    choose(qtbot, mode, 1)
    assert linear.init.weight.args == {"mode": "fan_out", "nonlinearity": "relu"}

    choose(qtbot, window.findChild(QComboBox, "initBiasKind"), 2)  # Uniform
    assert linear.init.bias == make_init("uniform")
    steps = window.document.undo_stack.count()
    type_into(qtbot, window.findChild(QDoubleSpinBox, "initBias_a"), "1")  # a above b
    problem = window.findChild(QLabel, "initProblem")
    qtbot.waitUntil(problem.isVisible, timeout=2000)
    assert "a must be less than b" in problem.text()
    assert linear.init.bias == make_init("uniform") and window.document.undo_stack.count() == steps


def test_the_group_is_only_for_layers_with_weights_and_bias_needs_a_bias(window, qtbot):
    select_row(qtbot, window, 1)  # ReLU
    assert not window.findChild(QGroupBox, "initEditor").isVisible()
    select_row(qtbot, window, 0)
    bias_kind = window.findChild(QComboBox, "initBiasKind")
    assert bias_kind.isEnabled()
    bias_box = window.findChild(QLabel, "initProblem")  # present, hidden
    assert not bias_box.isVisible()
    window.document.set_param(0, "bias", False)
    qtbot.waitUntil(lambda: not bias_kind.isEnabled(), timeout=2000)
