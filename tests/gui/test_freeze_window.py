"""Issue #15 (window): the lock toggle on cards, Edit > Freeze layer, the editor's box, totals."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QListView, QToolButton

from studio.core import events

LENET_WEIGHTED_ROWS = [0, 3, 7, 9, 11]  # the Conv2d and Linear layers of the default project


def stack(win) -> QListView:
    return win.findChild(QListView, "layerStack")


def toggles(win) -> list[QToolButton]:
    found = [t for t in stack(win).findChildren(QToolButton, "freezeToggle") if t.isVisible()]
    return sorted(found, key=lambda t: t.geometry().top())


def summary_text(win) -> str:
    return win.findChild(QLabel, "shapeSummary").text()


def click_card(qtbot, win, row: int) -> None:
    view = stack(win)
    rect = view.visualRect(view.model().index(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_only_layers_with_weights_get_a_lock(window, qtbot):
    qtbot.waitUntil(lambda: len(toggles(window)) == len(LENET_WEIGHTED_ROWS))
    view = stack(window)
    rows = [view.indexAt(t.geometry().center()).row() for t in toggles(window)]
    assert rows == LENET_WEIGHTED_ROWS
    for toggle in toggles(window):  # inside its own card, at the right edge
        row = view.indexAt(toggle.geometry().center()).row()
        assert view.visualRect(view.model().index(row)).contains(toggle.geometry())


def test_clicking_the_lock_freezes_with_undo_and_redo(window, qtbot):
    qtbot.waitUntil(lambda: len(toggles(window)) == len(LENET_WEIGHTED_ROWS))
    arch = window.document.architecture
    lock = toggles(window)[0]
    model = window.document.model
    with qtbot.waitSignal(
        model.dataChanged, check_params_cb=lambda first, last, *_: first.row() <= 0 <= last.row()
    ):
        qtbot.mouseClick(lock, Qt.MouseButton.LeftButton)
    assert arch[0].frozen and lock.isChecked()
    assert model.index(0).data(Qt.ItemDataRole.AccessibleTextRole) == "0 Conv2d 6×28×28, frozen"
    assert window.document.undo_stack.text(window.document.undo_stack.index() - 1) == (
        "Freeze Conv2d"
    )
    assert "61,550 of 61,706 parameters train" in summary_text(window)  # 6*1*5*5+6 frozen
    view = stack(window)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert not arch[0].frozen and not toggles(window)[0].isChecked()
    assert "61,706 parameters" in summary_text(window) and "train" not in summary_text(window)
    qtbot.keyClick(view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert arch[0].frozen and toggles(window)[0].isChecked()


def test_frozen_changed_reaches_the_model_as_data_changed(window, qtbot):
    model = window.document.model
    seen = []
    window.document.architecture.subscribe(seen.append)
    with qtbot.waitSignal(model.dataChanged):
        window.document.set_frozen(3, True)
    assert events.FrozenChanged(3, False, True) in seen


def test_edit_action_and_shortcut_follow_the_selected_layer(window, qtbot):
    action = window.findChild(type(window.freeze.action), "actionFreezeLayer")
    assert action in stack(window).actions()  # the stack's context menu
    click_card(qtbot, window, 1)  # ReLU: nothing to freeze
    assert not action.isEnabled()
    click_card(qtbot, window, 7)  # Linear
    assert action.isEnabled() and not action.isChecked()
    qtbot.keyClick(stack(window), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.document.architecture[7].frozen and action.isChecked()
    assert toggles(window)[2].isChecked()
    qtbot.keyClick(stack(window), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not window.document.architecture[7].frozen


def test_property_editor_box_freezes_the_selected_layer(window, qtbot):
    click_card(qtbot, window, 0)
    box = window.findChild(QCheckBox, "frozenCheck")
    assert box.isVisible() and not box.isChecked()
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert window.document.architecture[0].frozen
    assert toggles(window)[0].isChecked()
    click_card(qtbot, window, 1)
    assert not window.findChild(QCheckBox, "frozenCheck").isVisible()  # ReLU


def test_locks_are_disabled_while_training(window, qtbot):
    stack(window).set_toggles_enabled(False)
    assert toggles(window) and not any(t.isEnabled() for t in toggles(window))
    stack(window).set_toggles_enabled(True)
    assert all(t.isEnabled() for t in toggles(window))


def test_two_stage_settings_are_offered_only_when_something_is_frozen(window, qtbot):
    from PySide6.QtWidgets import QAbstractSpinBox

    def spin(name: str) -> QAbstractSpinBox:
        return window.findChild(QAbstractSpinBox, name)

    head, stages, factor = (
        spin("headEpochsSpin"),
        spin("unfreezeStagesSpin"),
        spin("unfreezeLrFactorSpin"),
    )
    assert not head.isEnabled() and not stages.isEnabled() and not factor.isEnabled()
    qtbot.waitUntil(lambda: len(toggles(window)) == len(LENET_WEIGHTED_ROWS))
    qtbot.mouseClick(toggles(window)[0], Qt.MouseButton.LeftButton)
    assert head.isEnabled() and not factor.isEnabled()
    window.training_dock.show()
    head.setFocus()
    head.selectAll()
    qtbot.keyClicks(head, "2")
    qtbot.keyClick(head, Qt.Key.Key_Return)
    assert window.document.project.training.head_epochs == 2
    assert factor.isEnabled()
    assert not stages.isEnabled()  # a frozen Conv2d has no stages; a Backbone has
