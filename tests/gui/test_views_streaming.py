"""A streamed image folder in the views: the confusion drill-down and the gallery decode
only the images they show, from disk, when they show them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

import studio.core.data.streaming as streaming
from studio.core.data.streaming import StreamedImages
from studio.core.training.events import EpochEnded
from studio.gui.plots import TrainingDashboard
from studio.gui.plots.demo import synthetic_run
from studio.gui.plots.prediction_view import GALLERY_SIZE


@pytest.fixture
def dashboard(qtbot) -> TrainingDashboard:
    widget = TrainingDashboard()
    qtbot.addWidget(widget)
    widget.resize(1000, 650)
    return widget


def test_drill_down_decodes_only_the_cells_images(dashboard, qtbot, tmp_path: Path, monkeypatch):
    run = synthetic_run(epochs=2, steps_per_epoch=10, report_every=5, n_val=150)
    files = []
    for i, pixels in enumerate(run.val_images):
        files.append(tmp_path / f"{i}.png")
        Image.fromarray(pixels.reshape(28, 28)).save(files[-1])
    decoded: list[Path] = []
    real = streaming.decode_tensor
    monkeypatch.setattr(
        streaming, "decode_tensor", lambda path, *shape: decoded.append(path) or real(path, *shape)
    )
    images = StreamedImages(files, (1, 28, 28)).numpy()
    dashboard.set_validation_data(images, run.val_labels, run.classes, (1, 28, 28))
    last = [e for e in run.events if isinstance(e, EpochEnded)][-1]
    events = [e for e in run.events if not isinstance(e, EpochEnded)]
    events.append(dataclasses.replace(last, val_predictions=run.val_predictions))
    dashboard.show()
    dashboard.tabs.setCurrentWidget(dashboard.confusion_view)
    for event in events:
        dashboard.handle_event(event)
    dashboard.flush()
    # the feature-map probe and the gallery read only the images they show
    assert 0 < len(decoded) <= GALLERY_SIZE + 1 < len(files)
    decoded.clear()
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
    shown = view.dialog.grid.shown_indices()
    assert view.dialog.grid.count() == expected == len(shown)
    assert sorted(decoded) == sorted(files[i] for i in shown)  # just the cell's files
    assert all(run.val_predictions[i] == predicted for i in shown)
