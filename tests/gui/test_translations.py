"""The window in Simplified Chinese, core messages through ``translate_message``, and the
Language menu."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QPushButton, QTreeWidget

from studio.core.architecture import Architecture, Block
from studio.core.errors import StudioError
from studio.gui.app import install_translations, parse_args
from studio.gui.i18n import LANGUAGE_KEY, error_text, translate_message


@pytest.fixture
def chinese(qapp):
    """The zh_CN translators, removed again so later tests see English."""
    installed = install_translations(qapp, "zh_CN")
    assert installed, "resources/translations/studio_zh_CN.qm did not load"
    yield installed
    for translator in installed:
        qapp.removeTranslator(translator)


@pytest.fixture(autouse=True)
def system_language():
    """Each test starts from the default choice (settings outlive a test in one process)."""
    QSettings().setValue(LANGUAGE_KEY, "system")


def caught(action) -> StudioError:
    with pytest.raises(StudioError) as info:
        action()
    return info.value


def test_menus_tabs_and_block_help_are_chinese(chinese, window):
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["文件(&F)", "编辑(&E)", "视图(&V)", "训练(&T)", "帮助(&H)"]
    assert window.tabs.tabText(0) == "网络(&N)"
    palette = window.findChild(QTreeWidget, "blockPalette")
    conv = palette.item_for("Conv2d")
    assert conv.text(0) == "Conv2d"  # PyTorch names stay as they are
    assert conv.toolTip(0).startswith("二维卷积")
    new_menu = window.menuBar().actions()[0].menu().actions()[0].menu()
    assert "用于 MNIST 的 LeNet" in [action.text().split("\t")[0] for action in new_menu.actions()]


def test_core_errors_are_shown_in_chinese(chinese):
    error = caught(lambda: Architecture((1, 28, 28), [Block.create("Linear")]).build())
    assert error.message.startswith("Layer 0 (Linear): Linear needs a flat vector")  # the CLI's
    assert error_text(error) == (
        "第 0 层（Linear）：Linear 需要一维向量，但它收到的是 1×28×28 的张量。"
        "请在它前面插入一个 Flatten。"
    )
    nested = caught(
        lambda: Architecture.from_dict(
            {"input_shape": [1, 28, 28], "layers": [{"type": "Conv2d", "params": {"stride": 0}}]}
        )
    )
    assert error_text(nested) == "第 0 层（Conv2d）：stride 至少为 1，而不是 0。"


def test_diagnostic_and_fix_are_chinese_in_the_window(chinese, window):
    window.document.remove_block(6)  # the Flatten
    problem = window.findChild(QLabel, "problemSummary").text()
    assert "第 6 层：Linear 需要一维向量" in problem
    fix = window.findChild(QPushButton, "summaryFixButton")
    assert fix.text() == "在第 6 层前插入 Flatten"


def test_a_refused_edit_says_why_in_chinese(chinese, window, message_boxes):
    window.document.locked = True
    window.add_block("ReLU")
    assert message_boxes == [("warning", "训练期间不能修改网络。请先停止训练。")]


def test_untranslated_messages_stay_english(qapp):
    assert translate_message("Layer {index} is {what}.", {"index": 3, "what": "odd"}) == (
        "Layer 3 is odd."
    )


def test_language_menu_stores_the_choice(window, message_boxes):
    chinese = window.findChild(QAction, "actionLanguageChinese")
    assert window.findChild(QAction, "actionLanguageSystem").isChecked()
    chinese.trigger()
    assert window.settings.value(LANGUAGE_KEY) == "zh_CN"
    assert chinese.isChecked()
    assert [kind for kind, _ in message_boxes] == ["information"]
    assert "restart" in message_boxes[0][1]
    window.findChild(QAction, "actionLanguageEnglish").trigger()
    assert window.settings.value(LANGUAGE_KEY) == "en"
    assert len(message_boxes) == 2


def test_start_up_follows_the_setting_unless_lang_is_given(qapp):
    settings = QSettings()
    try:
        settings.setValue(LANGUAGE_KEY, "en")
        assert install_translations(qapp) == []
        settings.setValue(LANGUAGE_KEY, "zh_CN")
        installed = install_translations(qapp)
        assert installed
        for translator in installed:
            qapp.removeTranslator(translator)
        assert install_translations(qapp, parse_args(["--lang", "en"]).lang) == []
    finally:
        settings.setValue(LANGUAGE_KEY, "system")
    assert parse_args(["p.json", "--lang", "zh_CN"]).lang == "zh_CN"
    assert parse_args([]).lang is None
