"""A block type added as one registry entry works everywhere, with no other edit.

The test registers ``nn.PReLU`` (not a built-in block) inside the test and uses it
through the palette, the layer card, the property editor, the shape analysis, the
code export (which must run) and the code import. Its parameter count has no rule,
so it is counted on a meta-device module and must match torch's own count.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QListView, QTreeWidget
from torch import nn

from studio.core import block_rules
from studio.core.architecture import Architecture, Block
from studio.core.codegen.importer import import_code
from studio.core.codegen.model_code import model_definition
from studio.core.registry import BlockSpec, ParamSpec, register, unregister
from studio.core.shapes import analyse
from studio.gui.models.architecture_model import SummaryRole

PRELU = BlockSpec(
    "PReLU",
    "activation",
    "ReLU with a learned slope for negative values, one per channel.",
    block_rules.same,
    params=(
        ParamSpec(
            "init", "float", 0.25, "Starting slope.", 0.0, 1.0, torch_default=0.25, short="a={v}"
        ),
    ),
    inferred=("num_parameters",),
    infer_rule=lambda shape: {"num_parameters": shape[0]},
    positional=("num_parameters",),
    key_params=("init",),
)


@pytest.fixture
def prelu() -> Iterator[BlockSpec]:
    register(PRELU)
    try:
        yield PRELU
    finally:
        unregister(PRELU.type)


def test_one_entry_gives_shapes_counts_export_and_import(prelu):
    arch = Architecture(
        (3, 12, 12),
        [
            Block.create("Conv2d", out_channels=6),
            Block.create("PReLU", init=0.1),
            Block.create("Flatten"),
            Block.create("Linear"),
            Block.create("PReLU"),
        ],
    )
    report = analyse(arch, loss="auto", num_classes=10)
    assert report.ok, report.diagnostics
    model = arch.build()
    assert [layer.params for layer in report.layers] == [
        sum(p.numel() for p in module.parameters()) for module in model
    ]
    assert report.layers[1].params == 6 and report.layers[4].params == 10

    code = model_definition(arch)
    assert "nn.PReLU(6, init=0.1)," in code and "nn.PReLU(10)," in code
    namespace: dict = {"nn": nn}
    exec(code, namespace)  # the exported definition runs
    out = namespace["model"](torch.randn(2, 3, 12, 12))
    assert tuple(out.shape) == (2, 10)

    imported = import_code(code)
    assert [(b.type, b.params) for b in imported.architecture] == [(b.type, b.params) for b in arch]
    assert imported.architecture.input_shape == (3, 12, 12)


def test_one_entry_shows_in_the_palette_card_and_editor(prelu, qtbot, window):
    window.new_blank()
    palette = window.findChild(QTreeWidget, "blockPalette")
    item = palette.item_for("PReLU")
    assert item is not None and item.parent().text(0) == "Activation"
    assert "learned slope" in item.toolTip(0)
    for block in ("Flatten", "PReLU"):
        item = palette.item_for(block)
        palette.scrollToItem(item)
        point = palette.visualItemRect(item).center()
        qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=point)
        qtbot.mouseDClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert [b.type for b in window.document.architecture] == ["Flatten", "PReLU"]

    stack = window.findChild(QListView, "layerStack")
    rect = stack.visualRect(stack.model().index(1))
    qtbot.mouseClick(stack.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    inferred = window.findChild(QLabel, "inferred_num_parameters")
    qtbot.waitUntil(lambda: inferred.text() == "784", timeout=2000)  # 1×28×28 flattened
    spin = window.findChild(QDoubleSpinBox, "param_init")
    spin.setFocus()
    qtbot.keyClick(spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(spin, "0.5")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.document.architecture[1].params["init"] == 0.5
    card = stack.model().index(1).data(SummaryRole)
    assert card == "a=0.5"
    assert "784" in window.findChild(QLabel, "shapeSummary").text()  # 784 learned slopes
    qtbot.waitUntil(lambda: "nn.PReLU(784, init=0.5)" in window.code_panel.code(), timeout=3000)
