"""Choosing a CSV table in the Training panel: file dialog, target column, task, input shape,
and a short regression run that shows the regression views."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QTableWidget, QWidget

from studio.core.architecture import Block
from studio.core.templates import blank_project


def write_table(path: Path, rows: int = 120, seed: int = 0) -> Path:
    """Three numeric features, a text column and y = a + b + c + noise."""
    rng = np.random.default_rng(seed)
    colours = np.array(["red", "green", "blue"])
    x = rng.normal(size=(rows, 3))
    y = x.sum(axis=1) + rng.normal(0, 0.1, rows)
    lines = ["a,b,c,colour,y"]
    for i in range(rows):
        lines.append(",".join([*(f"{v:.4f}" for v in x[i]), colours[i % 3], f"{y[i]:.4f}"]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def focus(qtbot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)


def choose_csv_in_combo(qtbot, window, monkeypatch, path: Path) -> None:
    """Pick "CSV table…" with the keyboard; the file dialog answers ``path``."""
    asked: list[str] = []

    def answer(parent, caption, *args, **kwargs):
        asked.append(caption)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer)
    combo = window.findChild(QComboBox, "datasetCombo")
    focus(qtbot, combo)
    preview = window.training_panel.dataset_preview
    with qtbot.waitSignal(preview.tableShown, timeout=30_000):
        qtbot.keyClick(combo, Qt.Key.Key_End)  # "CSV table…" is the last choice
    assert combo.currentText() == "CSV table…"
    assert len(asked) == 1 and "CSV" in asked[0]


def test_choosing_a_csv_table_fills_the_target_choice_and_sets_the_input_shape(
    window, qtbot, tmp_path, monkeypatch
):
    qtbot.waitUntil(lambda: window.session._torch_ready, timeout=60_000)
    table = write_table(tmp_path / "sums.csv")
    choose_csv_in_combo(qtbot, window, monkeypatch, table)

    dataset = window.document.project.dataset
    assert (dataset.name, dataset.path, dataset.target) == ("csv", str(table), "")
    target = window.findChild(QComboBox, "csvTargetColumn")
    task = window.findChild(QComboBox, "csvTask")
    assert target.isVisible() and task.isVisible()
    assert [target.itemText(i) for i in range(target.count())] == ["a", "b", "c", "colour", "y"]
    assert target.currentText() == "y"  # the last column until another is chosen
    assert task.currentData() == "auto"
    # a, b, c and colour one-hot encoded as three features: six inputs.
    assert window.document.architecture.input_shape == (6,)
    assert window.document.undo_stack.undoText() == "Change input shape"
    assert "(6,)" in window.statusBar().currentMessage()
    assert "(1, 28, 28)" in window.statusBar().currentMessage()
    summary = window.findChild(QLabel, "datasetSummary").text()
    assert summary.startswith("Regression on y · 6 features · 120 rows")
    grid = window.findChild(QTableWidget, "datasetTable")
    assert grid.isVisible() and grid.columnCount() == 5 and grid.rowCount() == 5
    headers = [grid.horizontalHeaderItem(i).text() for i in range(5)]
    assert headers == ["y", "a", "b", "c", "colour"]  # the target first, tinted
    assert grid.item(0, 4).text() == "red" and grid.item(0, 0).background().color().alpha() > 0
    assert window.findChild(QWidget, "datasetSamples").findChildren(QLabel) == []

    # Predicting the colour instead: classification of 3 classes from a, b, c and y.
    preview = window.training_panel.dataset_preview
    focus(qtbot, target)
    with qtbot.waitSignal(preview.tableShown, timeout=30_000):
        qtbot.keyClick(target, Qt.Key.Key_Up)
    assert window.document.project.dataset.target == "colour"
    assert window.document.architecture.input_shape == (4,)
    text = window.findChild(QLabel, "datasetSummary").text()
    assert text.startswith("Classification of colour into 3 classes · 4 features")
    window.document.undo_stack.undo()  # the shape change is its own step
    assert window.document.architecture.input_shape == (6,)

    # Back to an image dataset: the table rows go away.
    combo = window.findChild(QComboBox, "datasetCombo")
    focus(qtbot, combo)
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    assert not target.isVisible() and not task.isVisible()


def test_a_cancelled_file_dialog_leaves_a_clear_problem(window, qtbot, monkeypatch):
    qtbot.waitUntil(lambda: window.session._torch_ready, timeout=60_000)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    combo = window.findChild(QComboBox, "datasetCombo")
    focus(qtbot, combo)
    preview = window.training_panel.dataset_preview
    with qtbot.waitSignal(preview.previewShown, timeout=30_000):
        qtbot.keyClick(combo, Qt.Key.Key_End)
    problem = window.findChild(QLabel, "datasetProblem")
    assert problem.isVisible() and "No CSV file is chosen" in problem.text()
    assert window.findChild(QLabel, "datasetFolderLabel").text() == "No CSV file chosen yet."
    assert window.document.architecture.input_shape == (1, 28, 28)


def regression_project(table: Path):
    project = blank_project((3,))
    for block_type, params in (("Linear", {"out_features": 16}), ("ReLU", {}),
                               ("Linear", {"out_features": 1})):  # fmt: skip
        block = Block.create(block_type)
        block.params.update(params)
        project.architecture.append(block)
    dataset = project.dataset
    dataset.name, dataset.path, dataset.target = "csv", str(table), "y"
    project.training.epochs = 4
    project.training.batch_size = 16
    project.training.lr = 0.01
    return project


@pytest.mark.slow
def test_a_regression_run_shows_loss_mae_r2_and_the_scatter(window, qtbot, tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(300, 3))
    y = x.sum(axis=1) + rng.normal(0, 0.1, 300)
    table = tmp_path / "sum.csv"
    np.savetxt(table, np.column_stack([x, y]), delimiter=",", header="a,b,c,y", comments="")
    window.document.replace_project(regression_project(table), None)
    qtbot.waitUntil(lambda: window.session._torch_ready, timeout=60_000)
    dashboard = window.session.dashboard
    with qtbot.waitSignal(window.session.runningChanged, timeout=120_000) as started:
        qtbot.mouseClick(window.findChild(QWidget, "trainButton"), Qt.MouseButton.LeftButton)
    assert started.args == [True]
    qtbot.waitUntil(lambda: not window.session.running, timeout=120_000)
    dashboard.flush()
    run = dashboard.store.current
    assert run.is_regression and len(run.epochs) == 4
    assert run.epochs[-1].val_r2 > 0.9 and run.epochs[-1].val_mae < 0.5
    tabs = [dashboard.tabs.tabText(i) for i in range(dashboard.tabs.count())
            if dashboard.tabs.isTabVisible(i)]  # fmt: skip
    assert tabs[:3] == ["Loss", "MAE and R²", "Predicted vs true"]
    assert "Accuracy" not in tabs and "Confusion matrix" not in tabs
    assert dashboard.scatter_view.shown_points == 60  # a fifth of 300 rows
    assert len(dashboard.regression_view.mae_curve.xData) == 4
    status = window.findChild(QLabel, "trainingStatus").text()
    assert "Lowest validation loss" in status and "R²" in status
    assert "MAE" in dashboard.status.text() and "accuracy" not in dashboard.status.text()


@pytest.mark.slow
def test_an_opened_regression_model_file_replays_the_regression_views(window, tmp_path):
    from studio.core.io.model_file import save_model
    from studio.core.training.trainer import Trainer

    rng = np.random.default_rng(5)
    x = rng.normal(size=(200, 3))
    table = tmp_path / "sum.csv"
    np.savetxt(table, np.column_stack([x, x.sum(axis=1)]), delimiter=",", header="a,b,c,y",
               comments="")  # fmt: skip
    trainer = Trainer(regression_project(table), epochs=2)
    trainer.run()
    path = tmp_path / "sum.pt"
    save_model(path, trainer.to_model_file(best=False))

    window.open_project(path)
    dashboard = window.session.dashboard
    dashboard.flush()
    run = dashboard.store.current
    assert run.is_regression and [e.epoch for e in run.epochs] == [1, 2]
    assert run.epochs[-1].val_mae == pytest.approx(trainer.history[-1]["val_mae"])
    tabs = [dashboard.tabs.tabText(i) for i in range(dashboard.tabs.count())
            if dashboard.tabs.isTabVisible(i)]  # fmt: skip
    assert tabs == ["Loss", "MAE and R²", "Predicted vs true"]
    assert len(dashboard.regression_view.r2_curve.xData) == 2
    assert "nan" not in dashboard.status.text().lower()
    assert "Lowest validation loss" in dashboard.status.text()
    caption = dashboard.findChild(QLabel, "scatterCaption").text()
    assert caption.startswith("This run kept no validation predictions")
