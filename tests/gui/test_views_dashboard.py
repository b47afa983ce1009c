"""The live views hold what the trainer's events say: curves, bars, counts, tiles, runs, files."""

from __future__ import annotations

import csv
import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    FeatureMaps,
    TrainingStarted,
)
from studio.gui.plots import TrainingDashboard
from studio.gui.plots.demo import SyntheticRun, synthetic_run

EPOCHS = 4
STEPS = 60
EVERY = 5


@pytest.fixture(scope="module")
def run() -> SyntheticRun:
    return synthetic_run(epochs=EPOCHS, steps_per_epoch=STEPS, report_every=EVERY, n_val=200)


@pytest.fixture
def dashboard(qtbot) -> TrainingDashboard:
    widget = TrainingDashboard()
    qtbot.addWidget(widget)
    widget.resize(1000, 650)
    return widget


def _feed(dashboard: TrainingDashboard, events) -> None:
    for event in events:
        dashboard.handle_event(event)
    dashboard.flush()


def _data(curve) -> tuple[np.ndarray, np.ndarray]:
    """All the data a curve holds (``getData`` would clip it to the current view)."""
    return curve.xData, curve.yData


def _of(events, kind):
    return [e for e in events if isinstance(e, kind)]


def test_object_names_are_the_fixed_contract(dashboard):
    for name in (
        "lossPlot",
        "accuracyPlot",
        "classAccuracyPlot",
        "confusionMatrixView",
        "featureMapView",
        "predictionView",
    ):
        assert dashboard.findChild(object, name) is not None, name


def test_loss_plot_holds_every_report_and_one_validation_point_per_epoch(dashboard, run):
    _feed(dashboard, run.events)
    view = dashboard.loss_view
    batches = _of(run.events, BatchProgress)
    x, y = _data(view.raw_curve)
    assert len(x) == len(batches) == EPOCHS * STEPS // EVERY
    assert x.dtype == np.float64
    assert np.allclose(y, [b.loss for b in batches])
    assert len(_data(view.smooth_curve)[0]) == len(batches)
    vx, vy = _data(view.val_curve)
    assert vx.tolist() == [STEPS * e for e in range(1, EPOCHS + 1)]  # at each epoch's last step
    assert np.allclose(vy, [e.val_loss for e in _of(run.events, EpochEnded)])
    assert len(_data(view.lr_curve)[0]) == len(batches)
    assert view.raw_curve.opts["autoDownsample"] and view.raw_curve.opts["clipToView"]
    assert view.raw_curve.opts["downsampleMethod"] == "peak"


def test_curves_are_updated_in_place_not_recreated(dashboard, run):
    events = run.events
    half = len(events) // 2
    _feed(dashboard, events[:half])
    items_before = list(dashboard.loss_view.loss_plot.items)
    _feed(dashboard, events[half:])
    assert list(dashboard.loss_view.loss_plot.items) == items_before


def test_accuracy_plot_shows_percent_per_epoch(dashboard, run):
    _feed(dashboard, run.events)
    ends = _of(run.events, EpochEnded)
    x, y = _data(dashboard.accuracy_view.val_curve)
    assert x.tolist() == [1, 2, 3, 4]
    assert np.allclose(y, [100 * e.val_accuracy for e in ends])
    _, train = _data(dashboard.accuracy_view.train_curve)
    assert np.allclose(train, [100 * e.train_accuracy for e in ends])


def test_per_class_bars_and_curves_follow_the_last_epoch(dashboard, run):
    _feed(dashboard, run.events)
    view = dashboard.class_view
    last = _of(run.events, EpochEnded)[-1]
    expected = [100 * last.per_class_accuracy[c] for c in run.classes]
    assert np.allclose(view.bar_heights(), expected)
    ticks = view.bar_plot.getAxis("bottom")._tickLevels[0]
    assert [name for _, name in ticks] == run.classes
    assert len(view.class_curves) == len(run.classes)
    for curve in view.class_curves:
        assert len(_data(curve)[0]) == EPOCHS


def test_confusion_matrix_counts_and_cell_texts(dashboard, run):
    ends = _of(run.events, EpochEnded)
    _feed(dashboard, [run.events[0], ends[0]])
    view = dashboard.confusion_view
    layer_before = view.cell_text
    _feed(dashboard, ends[1:])
    assert np.array_equal(view.counts, ends[-1].confusion)
    assert view.cell_text is layer_before  # one item refilled, not items recreated
    k = len(run.classes)
    assert view.cell_text.texts() == [str(v) for v in ends[-1].confusion.reshape(k * k)]
    centres = [(label.x, label.y) for label in view.cell_text.labels()]
    assert centres[1] == (1.5, 0.5)  # row-major: true class 0, predicted class 1
    assert view.image.image.shape[:2] == (k, k)


def test_clicking_a_confusion_cell_lists_its_validation_images(dashboard, run, qtbot):
    dashboard.set_validation_data(run.val_images, run.val_labels, run.classes, (1, 28, 28))
    last = _of(run.events, EpochEnded)[-1]
    with_predictions = dataclasses.replace(last, val_predictions=run.val_predictions)
    events = [e for e in run.events if not isinstance(e, EpochEnded)] + [with_predictions]
    dashboard.show()
    dashboard.tabs.setCurrentWidget(dashboard.confusion_view)
    _feed(dashboard, events)
    view = dashboard.confusion_view
    counts = last.confusion.copy()
    np.fill_diagonal(counts, 0)
    true_class, predicted = np.unravel_index(counts.argmax(), counts.shape)
    expected = int(last.confusion[true_class, predicted])
    assert expected > 0
    scene_pos = view.cell_scene_pos(int(true_class), int(predicted))
    viewport = view.graphics.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=view.graphics.mapFromScene(scene_pos))
    qtbot.waitUntil(lambda: view.dialog is not None and view.dialog.isVisible())
    assert view.dialog.grid.count() == expected
    shown = view.dialog.grid.shown_indices()
    assert all(run.val_labels[i] == true_class for i in shown)
    assert all(run.val_predictions[i] == predicted for i in shown)


def test_without_trainer_predictions_a_cell_asks_the_predictor(dashboard, run):
    k = len(run.classes)

    def always_class_two(images: np.ndarray) -> np.ndarray:
        probabilities = np.zeros((images.shape[0], k))
        probabilities[:, 2] = 1.0
        return probabilities

    dashboard.set_validation_data(run.val_images, run.val_labels, run.classes)
    dashboard.set_predictor(always_class_two)
    _feed(dashboard, run.events)
    assert dashboard.confusion_view.show_cell(5, 2) == int(np.sum(run.val_labels == 5))
    assert dashboard.confusion_view.show_cell(5, 3) == 0


def _maps_event(probe_index: int = 0) -> FeatureMaps:
    rng = np.random.default_rng(probe_index)
    maps = {
        0: rng.random((6, 28, 28), dtype=np.float32),
        3: rng.random((16, 10, 10), dtype=np.float32),
        5: rng.random((7, 3, 3), dtype=np.float32),
        9: rng.random(10, dtype=np.float32),
    }
    image = rng.random((1, 28, 28), dtype=np.float32)
    return FeatureMaps(1, 10, probe_index, image, maps)


def test_feature_map_tiles_equal_each_layers_channels_and_switching_is_instant(dashboard):
    dashboard.set_layer_names([f"{i} Layer" for i in range(10)])
    event = _maps_event()
    _feed(dashboard, [event])
    view = dashboard.feature_view
    assert [view.layer_combo.itemData(i) for i in range(view.layer_combo.count())] == [0, 3, 5, 9]
    assert view.layer_combo.itemText(1) == "3 Layer"
    for layer, activation in event.maps.items():
        view.set_layer(layer)  # no event loop, no new event: drawn from memory
        assert view.tile_count() == activation.shape[0]
        if activation.ndim == 3:
            rows, cols = view._grid
            assert rows * cols >= activation.shape[0] > (rows - 1) * cols
            height, width = activation.shape[1:]
            assert view.map_image.image.shape == (
                rows * (height + 1) - 1,
                cols * (width + 1) - 1,
                3,
            )
        else:
            assert len(view.bars.opts["height"]) == activation.shape[0]


def test_picking_a_probe_asks_for_its_feature_maps_and_waits_for_them(dashboard, run, qtbot):
    dashboard.set_validation_data(run.val_images, run.val_labels, run.classes)
    _feed(dashboard, [_maps_event(0)])
    view = dashboard.feature_view
    with qtbot.waitSignal(dashboard.featureMapsRequested) as blocker:
        view.request_probe(7)
    assert blocker.args == [7]
    _feed(dashboard, [_maps_event(0)])  # a late event for the old probe is not shown as #7
    assert view.shown.probe_index == 0 and view.pending_probe == 7
    _feed(dashboard, [_maps_event(7)])
    assert view.shown.probe_index == 7 and view.pending_probe is None


def test_runs_are_overlaid_and_can_be_hidden(dashboard, run):
    second = synthetic_run(epochs=2, steps_per_epoch=STEPS, report_every=EVERY, n_val=50, seed=3)
    _feed(dashboard, run.events + second.events)
    assert len(dashboard.runs) == 2
    overlay = dashboard.loss_view.overlays[1]
    assert overlay.smooth.isVisible()
    assert len(_data(overlay.smooth)[0]) == len(_of(run.events, BatchProgress))
    assert dashboard.accuracy_view.overlays[1][0].isVisible()
    assert dashboard.runs_panel.list.count() == 2
    item = dashboard.runs_panel.list.item(0)
    item.setCheckState(Qt.CheckState.Unchecked)  # the person unticks run 1
    dashboard.flush()
    assert not overlay.smooth.isVisible()
    assert not dashboard.accuracy_view.overlays[1][0].isVisible()
    assert dashboard.loss_view.raw_curve.isVisible()


def test_a_resumed_run_continues_its_curves(dashboard):
    first = synthetic_run(epochs=2, steps_per_epoch=STEPS, report_every=EVERY, n_val=50)
    resumed = synthetic_run(
        epochs=2,
        steps_per_epoch=STEPS,
        report_every=EVERY,
        n_val=50,
        first_epoch=3,
        start_step=2 * STEPS,
    )
    assert isinstance(resumed.events[0], TrainingStarted) and resumed.events[0].first_epoch == 3
    _feed(dashboard, first.events + resumed.events)
    assert len(dashboard.runs) == 1
    x, _ = _data(dashboard.accuracy_view.val_curve)
    assert x.tolist() == [1, 2, 3, 4]
    assert len(_data(dashboard.loss_view.raw_curve)[0]) == 4 * STEPS // EVERY


def test_step_history_is_bounded(qtbot):
    dashboard = TrainingDashboard(max_step_points=500)
    qtbot.addWidget(dashboard)
    events = [BatchProgress(1, i, 5000, i, 1.0 / i, 1.0, 1e-3, 0.0, 0.0) for i in range(1, 5001)]
    _feed(dashboard, events)
    x, _ = _data(dashboard.loss_view.raw_curve)
    assert len(x) <= 500
    assert x[-1] == 5000


def test_a_thousand_events_in_a_tight_loop_cause_one_or_two_redraws(dashboard, qtbot):
    dashboard.show()
    qtbot.waitExposed(dashboard)
    view = dashboard.loss_view
    before_view, before_ticks = view.redraw_count, dashboard.redraw_count
    for i in range(1, 1001):
        dashboard.handle_event(BatchProgress(1, i, 1000, i, 1.0, 1.0, 1e-3, 0.0, 0.0))
    assert view.redraw_count == before_view  # handle_event never draws
    qtbot.waitUntil(lambda: view.redraw_count > before_view)
    qtbot.waitUntil(lambda: not dashboard._timer.isActive())
    assert dashboard.redraw_count - before_ticks <= 2
    assert view.redraw_count - before_view <= 2
    assert len(_data(view.raw_curve)[0]) == 1000


def test_png_and_csv_exports_write_files(dashboard, run, tmp_path):
    _feed(dashboard, run.events)
    for name in ("lossPlot", "accuracyPlot", "confusionMatrixView", "featureMapView"):
        path = tmp_path / f"{name}.png"
        dashboard.export_plot_png(name, path)
        image = QImage(str(path))
        assert not image.isNull() and image.width() >= 600, name
    csv_path = tmp_path / "metrics.csv"
    dashboard.export_metrics_csv(csv_path)
    rows = list(csv.DictReader(csv_path.open()))
    ends = _of(run.events, EpochEnded)
    assert len(rows) == len(ends)
    assert float(rows[-1]["val_loss"]) == pytest.approx(ends[-1].val_loss, rel=1e-5)
    assert float(rows[-1]["accuracy_4"]) == pytest.approx(ends[-1].per_class_accuracy["4"])
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temporary files


def test_a_one_dimensional_map_draws_one_line_per_channel(dashboard):
    rng = np.random.default_rng(1)
    signal = rng.random((4, 50), dtype=np.float32)
    image = rng.random((1, 28, 28), dtype=np.float32)
    _feed(
        dashboard, [FeatureMaps(1, 10, 0, image, {0: signal, 2: rng.random(8, dtype=np.float32)})]
    )
    view = dashboard.feature_view
    view.set_layer(0)
    assert view.stack.currentWidget() is view.line_graphics
    assert view.tile_count() == 4 and len(view.lines) == 4
    for line, channel in zip(view.lines, signal, strict=True):
        x, y = line.getData()
        assert len(x) == 50 and np.allclose(y, channel)
    assert "4 channels along 50 positions" in view.caption.text()
    view.set_layer(2)  # a flat layer after it: bars again, the lines stay behind
    assert view.stack.currentWidget() is view.bar_graphics


def test_a_signal_sample_is_shown_as_the_image_it_was_read_from():
    from studio.gui.plots.imaging import to_display

    image = np.arange(784, dtype=np.uint8).reshape(28, 28)
    assert np.array_equal(to_display(image.reshape(1, 784), (1, 28, 28)), image)
    assert np.array_equal(to_display(image.reshape(-1), (1, 28, 28)), image)
    assert to_display(image.reshape(1, 784)).shape == (1, 784)  # no image shape: a strip


def test_a_one_epoch_run_reads_epoch_not_epochs(dashboard):
    one = synthetic_run(epochs=1, steps_per_epoch=STEPS, report_every=EVERY, n_val=50)
    _feed(dashboard, one.events)
    listed = dashboard.runs_panel.list.item(0).text()
    assert " · 1 epoch" in listed and "1 epochs" not in listed
    two = synthetic_run(epochs=2, steps_per_epoch=STEPS, report_every=EVERY, n_val=50, seed=3)
    _feed(dashboard, two.events)
    assert " · 2 epochs" in dashboard.runs_panel.list.item(1).text()


def _legend_names(plot) -> list[str]:
    return [label.text for _sample, label in plot.legend.items]


def _toggle_run(dashboard, qtbot, row: int) -> None:
    """As a person does: pick the run in the list and press Space on its check box."""
    runs = dashboard.runs_panel.list
    runs.setCurrentRow(row)
    runs.setFocus()
    qtbot.keyClick(runs, Qt.Key.Key_Space)
    dashboard.flush()


def test_only_the_last_three_earlier_runs_are_overlaid_at_first(dashboard, run, qtbot):
    short = synthetic_run(epochs=1, steps_per_epoch=STEPS, report_every=EVERY, n_val=50, seed=4)
    _feed(dashboard, run.events + short.events * 5)  # six runs

    assert len(dashboard.runs) == 6
    panel = dashboard.runs_panel.list
    ticked = [panel.item(row).checkState() == Qt.CheckState.Checked for row in range(6)]
    assert ticked == [False, False, True, True, True, True]
    assert sorted(dashboard.loss_view.overlays) == [3, 4, 5]  # hidden runs draw nothing
    legend = _legend_names(dashboard.loss_view.loss_plot)
    assert [name for name in legend if name.startswith("Run ")] == [
        "Run 3 (smoothed loss)",
        "Run 4 (smoothed loss)",
        "Run 5 (smoothed loss)",
    ]

    _toggle_run(dashboard, qtbot, 0)  # the person shows run 1 again
    assert dashboard.loss_view.overlays[1].smooth.isVisible()
    assert "Run 1 (smoothed loss)" in _legend_names(dashboard.loss_view.loss_plot)
    assert dashboard.accuracy_view.overlays[1][0].isVisible()

    _feed(dashboard, short.events)  # run 7: run 3 goes; run 1, shown by the person, stays
    ticked = [panel.item(row).checkState() == Qt.CheckState.Checked for row in range(7)]
    assert ticked == [True, False, False, True, True, True, True]
    assert "Run 3 (smoothed loss)" not in _legend_names(dashboard.loss_view.loss_plot)
    assert not dashboard.loss_view.overlays[3].smooth.isVisible()


def test_unticking_a_run_removes_its_legend_row(dashboard, run, qtbot):
    second = synthetic_run(epochs=2, steps_per_epoch=STEPS, report_every=EVERY, n_val=50, seed=3)
    _feed(dashboard, run.events + second.events)
    assert "Run 1 (validation)" in _legend_names(dashboard.accuracy_view.plot)

    _toggle_run(dashboard, qtbot, 0)

    assert "Run 1 (smoothed loss)" not in _legend_names(dashboard.loss_view.loss_plot)
    assert "Run 1 (validation)" not in _legend_names(dashboard.accuracy_view.plot)
