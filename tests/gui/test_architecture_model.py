"""``ArchitectureModel`` checked by Qt's own model tester while the network changes.

``qtmodeltester`` (pytest-qt, wrapping ``QAbstractItemModelTester``) watches every
row signal and fails on a wrong begin/end pair; moves are checked both ways,
since ``beginMoveRows`` counts a downward destination one past the target.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex

from studio.core import events
from studio.core.architecture import Architecture, Block
from studio.core.project import Project
from studio.gui.models.architecture_model import ArchitectureModel, TypeRole

TYPES = ["Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"]


@pytest.fixture
def model(qtmodeltester) -> ArchitectureModel:
    arch = Architecture((1, 28, 28), [Block.create(t) for t in TYPES])
    model = ArchitectureModel(arch)
    qtmodeltester.check(model, force_py=True)
    return model


def types(model: ArchitectureModel) -> list[str]:
    return [model.index(row).data(TypeRole) for row in range(model.rowCount())]


@pytest.mark.parametrize(("source", "destination"), [(0, 4), (4, 0), (1, 2), (2, 1), (0, 1)])
def test_moves_keep_qt_rows_and_the_network_in_step(model, qtbot, source, destination):
    moved: list[tuple[int, int]] = []
    model.rowsMoved.connect(lambda _p, start, _e, _d, row: moved.append((start, row)))
    expected = list(TYPES)
    expected.insert(destination, expected.pop(source))
    model.architecture.move(source, destination)
    assert types(model) == expected == [b.type for b in model.architecture]
    qt_row = destination + 1 if destination > source else destination
    assert moved == [(source, qt_row)]


def test_inserts_removes_edits_and_resets_pass_the_model_tester(model, qtbot):
    arch = model.architecture
    with qtbot.waitSignal(model.rowsInserted):
        arch.insert(2, Block.create("BatchNorm2d"))
    with qtbot.waitSignal(model.rowsRemoved):
        arch.remove(0)
    with qtbot.waitSignal(model.reportChanged):
        arch.set_param(4, "out_features", 7)
    assert model.report.output_shape == (7,)
    with qtbot.waitSignal(model.modelReset):
        arch.set_input_shape((3, 32, 32))
    with qtbot.waitSignal(model.modelReset):
        arch.replace_all((784,), [Block.create("Linear")])
    assert types(model) == ["Linear"] and model.rowCount(QModelIndex()) == 1


def test_events_are_typed_and_carry_old_and_new_values():
    arch = Architecture((1, 28, 28), [Block.create("Conv2d")])
    seen: list[object] = []
    arch.subscribe(seen.append)
    arch.set_param(0, "out_channels", 8)
    arch.move(0, 0)  # no move, no event
    arch.set_input_shape((3, 32, 32))
    assert seen == [
        events.ParamChanged(0, "out_channels", 16, 8),
        events.Resetting((1, 28, 28), (3, 32, 32)),
        events.Reset((1, 28, 28), (3, 32, 32)),
    ]
    project = Project(architecture=arch)
    changes: list[object] = []
    project.subscribe(changes.append)
    project.set_setting("training", "lr", 0.5)
    assert changes == [events.SettingChanged("training", "lr", 3e-3, 0.5)]
    assert project.copy().training.lr == 0.5  # copies carry values, never listeners
