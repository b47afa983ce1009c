"""The editor's generated widgets for the new kinds of settings: a choice, an empty float."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QListView, QSpinBox, QTreeWidget

from studio.gui.models.architecture_model import SummaryRole
from tests.gui.test_main_window import double_click_block


def add_and_select(window, qtbot, block: str) -> QListView:
    """A blank network with ``block`` added from the palette and clicked in the stack."""
    window.new_blank()
    double_click_block(qtbot, window.findChild(QTreeWidget, "blockPalette"), block)
    stack = window.findChild(QListView, "layerStack")
    rect = stack.visualRect(stack.model().index(0))
    qtbot.mouseClick(stack.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return stack


def type_into(qtbot, spin, text: str) -> None:
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, text)
    qtbot.keyClick(spin, Qt.Key.Key_Return)


def test_upsample_mode_scale_and_size_are_edited_in_the_window(window, qtbot):
    stack = add_and_select(window, qtbot, "Upsample")
    upsample = window.document.architecture[0]

    mode = window.findChild(QComboBox, "param_mode")
    mode.setFocus()
    qtbot.keyClick(mode, Qt.Key.Key_Down)
    assert upsample.params["mode"] == "bilinear"
    scale = window.findChild(QDoubleSpinBox, "param_scale_factor")
    type_into(qtbot, scale, "3")
    assert upsample.params["scale_factor"] == 3.0
    assert stack.model().index(0).data(SummaryRole) == "×3.0 · mode=bilinear"
    assert window.document.model.report.layers[0].output_shape == (1, 84, 84)

    type_into(qtbot, window.findChild(QSpinBox, "param_size"), "40")
    problem = window.property_editor.problem_label
    qtbot.waitUntil(lambda: "not both" in problem.text(), timeout=2000)
    type_into(qtbot, scale, "0")  # below the range: the empty value, shown by its meaning
    assert upsample.params["scale_factor"] is None
    assert scale.text() == "use size"
    assert window.document.model.report.layers[0].output_shape == (1, 40, 40)
    assert "not both" not in problem.text()
    window.document.undo_stack.undo()
    assert upsample.params["scale_factor"] == 3.0 and scale.value() == 3.0


def test_backbone_weights_can_be_set_to_random_in_the_window(window, qtbot):
    """A nullable choice: its first entry is the empty value, shown by its meaning."""
    add_and_select(window, qtbot, "Backbone")
    backbone = window.document.architecture[0]
    weights = window.findChild(QComboBox, "param_weights")
    assert weights.currentText() == "DEFAULT"
    weights.setFocus()
    qtbot.keyClick(weights, Qt.Key.Key_Up)
    assert backbone.params["weights"] is None
    assert weights.currentText() == "random"
    qtbot.keyClick(weights, Qt.Key.Key_Down)
    assert backbone.params["weights"] == "DEFAULT"
    model = window.findChild(QComboBox, "param_model")
    model.setFocus()
    qtbot.keyClick(model, Qt.Key.Key_Down)
    assert backbone.params["model"] == "resnet34"
