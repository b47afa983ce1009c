"""A regression run shows loss, MAE/R² curves and a predicted-vs-true scatter instead of the
accuracy, per-class and confusion views; a classification run gets those back."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTabBar

from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    TrainingFinished,
    TrainingStarted,
)
from studio.gui.plots import TrainingDashboard
from studio.gui.plots.demo import synthetic_run
from studio.gui.plots.history import events_from_saved_metrics

STEPS = 20
N_VAL = 300


def regression_events(epochs: int = 4, n_val: int = N_VAL, seed: int = 0) -> list[object]:
    """A run that learns y = sum of features: errors shrink and R² climbs each epoch."""
    rng = np.random.default_rng(seed)
    targets = rng.normal(0.0, 2.0, n_val)
    events: list[object] = [
        TrainingStarted(
            epochs=epochs,
            first_epoch=1,
            steps_per_epoch=STEPS,
            classes=[],
            device="cpu",
            loss="mse",
            task="regression",
        )
    ]
    for epoch in range(1, epochs + 1):
        noise = 2.0 / epoch
        for step in range(5, STEPS + 1, 5):
            events.append(
                BatchProgress(
                    epoch,
                    step,
                    STEPS,
                    (epoch - 1) * STEPS + step,
                    noise**2 + 0.1,
                    100.0,
                    0.01,
                    1.0,
                    1.0,
                )
            )
        predicted = targets + rng.normal(0.0, noise, n_val)
        error = predicted - targets
        r2 = 1.0 - float(np.sum(error**2) / np.sum((targets - targets.mean()) ** 2))
        events.append(
            EpochEnded(
                epoch=epoch,
                train_loss=noise**2,
                train_accuracy=math.nan,
                val_loss=float(np.mean(error**2)),
                val_accuracy=math.nan,
                per_class_accuracy={},
                confusion=np.zeros((0, 0), dtype=np.int64),
                lr=0.01,
                seconds=1.0,
                samples_per_second=100.0,
                is_best=True,
                val_predictions=predicted,
                task="regression",
                val_mae=float(np.mean(np.abs(error))),
                val_r2=r2,
                val_targets=targets,
            )
        )
    events.append(TrainingFinished("completed", epochs, epochs, None, float(epochs)))
    return events


@pytest.fixture
def dashboard(qtbot) -> TrainingDashboard:
    widget = TrainingDashboard()
    qtbot.addWidget(widget)
    widget.resize(1000, 650)
    widget.show()
    return widget


def _feed(dashboard: TrainingDashboard, events) -> None:
    for event in events:
        dashboard.handle_event(event)
    dashboard.flush()


def _tab_titles(dashboard: TrainingDashboard) -> list[str]:
    tabs = dashboard.tabs
    return [tabs.tabText(i) for i in range(tabs.count()) if tabs.isTabVisible(i)]


def _click_tab(qtbot, dashboard: TrainingDashboard, title: str) -> None:
    bar = dashboard.tabs.findChild(QTabBar)
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert dashboard.tabs.currentIndex() == index


def test_regression_replaces_accuracy_views_and_classification_restores_them(dashboard):
    assert _tab_titles(dashboard) == [
        "Loss", "Accuracy", "Per class", "Confusion matrix", "Feature maps", "Predictions",
    ]  # fmt: skip
    dashboard.tabs.setCurrentWidget(dashboard.confusion_view)
    _feed(dashboard, regression_events())
    assert _tab_titles(dashboard) == ["Loss", "MAE and R²", "Predicted vs true"]
    assert dashboard.tabs.currentWidget() is dashboard.scatter_view  # the confusion view's twin
    for name in ("regressionView", "scatterView"):
        assert dashboard.findChild(object, name) is not None
    classification = synthetic_run(epochs=2, steps_per_epoch=STEPS, report_every=5, n_val=50)
    _feed(dashboard, classification.events)
    assert "Confusion matrix" in _tab_titles(dashboard)
    assert "MAE and R²" not in _tab_titles(dashboard)
    assert dashboard.tabs.currentWidget() is dashboard.confusion_view


def test_mae_and_r2_curves_hold_one_point_per_epoch(dashboard, qtbot):
    events = regression_events(epochs=4)
    _feed(dashboard, events)
    _click_tab(qtbot, dashboard, "MAE and R²")
    view = dashboard.regression_view
    ends = [e for e in events if isinstance(e, EpochEnded)]
    x, mae = view.mae_curve.xData, view.mae_curve.yData
    assert x.tolist() == [1, 2, 3, 4]
    assert mae == pytest.approx([e.val_mae for e in ends])
    assert view.r2_curve.yData == pytest.approx([e.val_r2 for e in ends])
    assert mae[-1] < mae[0] and view.r2_curve.yData[-1] > 0.9
    low, high = view.r2_plot.viewRange()[1]
    assert low >= -1.2 and high <= 1.2  # a very negative first R² never flattens the curve
    assert "R² 0.9" in view.r2_label.toPlainText()


def test_scatter_shows_predicted_against_true_with_the_identity_line(dashboard, qtbot):
    events = regression_events(epochs=3)
    _feed(dashboard, events)
    _click_tab(qtbot, dashboard, "Predicted vs true")
    view = dashboard.scatter_view
    last = [e for e in events if isinstance(e, EpochEnded)][-1]
    true, predicted = view.points_data()
    assert view.shown_points == N_VAL
    assert np.allclose(true, last.val_targets) and np.allclose(predicted, last.val_predictions)
    line_x, line_y = view.identity_line.xData, view.identity_line.yData
    assert np.allclose(line_x, line_y)  # y = x
    assert line_x[0] <= min(true.min(), predicted.min()) and line_x[-1] >= true.max()
    caption = dashboard.findChild(QLabel, "scatterCaption").text()
    assert caption.startswith("Epoch 3: 300 validation samples.")
    assert f"R² {last.val_r2:.3f}" in caption


def test_accuracy_plot_holds_no_nan_for_a_regression_run(dashboard):
    classification = synthetic_run(epochs=2, steps_per_epoch=STEPS, report_every=5, n_val=50)
    _feed(dashboard, classification.events)
    _feed(dashboard, regression_events())
    view = dashboard.accuracy_view
    view.refresh_if_dirty(force=True)
    x = view.val_curve.xData
    assert (x is None or len(x) == 0) and view.best_label.toPlainText() == ""
    for curve, _version in view.overlays.values():  # only the classification run's overlay
        assert np.isfinite(curve.yData).all()
    assert len(view.overlays) == 1


def test_status_lines_name_loss_mae_and_r2(dashboard):
    events = regression_events(epochs=2)
    _feed(dashboard, events[:-1])
    status = dashboard.status.text()
    last = [e for e in events if isinstance(e, EpochEnded)][-1]
    assert f"validation loss {last.val_loss:.4g}" in status
    assert f"MAE {last.val_mae:.4g}" in status and f"R² {last.val_r2:.3f}" in status
    assert "accuracy" not in status
    _feed(dashboard, events[-1:])
    assert "Lowest validation loss" in dashboard.status.text()
    assert "lowest loss" in dashboard.runs_panel.list.item(0).text()


def test_saved_regression_metrics_replay_the_same_views(dashboard, qtbot):
    rng = np.random.default_rng(1)
    targets = rng.normal(size=40)
    metrics = [
        {"epoch": e, "train_loss": 1.0 / e, "val_loss": 0.5 / e, "val_accuracy": None,
         "val_mae": 0.4 / e, "val_r2": 1 - 0.5 / e, "lr": 0.01, "task": "regression",
         "val_targets": targets.tolist(), "val_predictions": (targets + 0.1 / e).tolist()}
        for e in (1, 2, 3)
    ]  # fmt: skip
    events = events_from_saved_metrics(metrics, [], steps_per_epoch=10)
    finished = events[-1]
    assert isinstance(finished, TrainingFinished) and finished.best_epoch == 3
    assert finished.best_val_accuracy is None
    _feed(dashboard, events)
    assert _tab_titles(dashboard) == ["Loss", "MAE and R²", "Predicted vs true"]
    _click_tab(qtbot, dashboard, "MAE and R²")
    assert dashboard.regression_view.mae_curve.yData == pytest.approx([0.4, 0.2, 0.4 / 3])
    _click_tab(qtbot, dashboard, "Predicted vs true")
    true, predicted = dashboard.scatter_view.points_data()
    assert np.allclose(predicted - true, 0.1 / 3)


def test_regression_metrics_export_as_csv_without_accuracy_columns(dashboard, tmp_path):
    _feed(dashboard, regression_events(epochs=2))
    path = tmp_path / "metrics.csv"
    dashboard.export_metrics_csv(path)
    rows = list(csv.DictReader(path.open()))
    assert len(rows) == 2 and "val_accuracy" not in rows[0]
    assert float(rows[1]["val_r2"]) > float(rows[0]["val_r2"])


def test_table_rows_get_no_image_views_and_images_get_them_back(dashboard):
    classification = synthetic_run(epochs=1, steps_per_epoch=STEPS, report_every=5, n_val=50)
    dashboard.tabs.setCurrentWidget(dashboard.prediction_view)
    dashboard.set_image_inputs(False)  # a CSV classification: its inputs are not pictures
    _feed(dashboard, classification.events)
    assert _tab_titles(dashboard) == ["Loss", "Accuracy", "Per class", "Confusion matrix"]
    assert dashboard.tabs.currentWidget() is dashboard.loss_view
    dashboard.set_image_inputs(True)
    assert "Feature maps" in _tab_titles(dashboard) and "Predictions" in _tab_titles(dashboard)
