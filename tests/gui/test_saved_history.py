"""An opened model file shows the epochs it was trained for, as a finished run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.core.io.model_file import save_model
from studio.core.templates import default_project
from studio.core.training.events import EpochEnded, TrainingFinished, TrainingStarted
from studio.core.training.trainer import Trainer
from studio.gui.plots.history import events_from_saved_metrics


def test_saved_metrics_become_a_finished_run_and_junk_is_skipped() -> None:
    classes = ["a", "b"]
    metrics = [
        {"epoch": 1, "val_accuracy": 0.5, "train_loss": 1.0, "confusion": [[1, 1], [1, 1]]},
        {"epoch": 2, "val_accuracy": 0.75, "per_class_accuracy": {"a": 1.0, "b": 0.5}},
        {"epoch": "x"},
        "not a record",
        {"epoch": 3, "val_accuracy": 0.7, "confusion": [[1]]},  # wrong shape: zeros instead
    ]
    events = events_from_saved_metrics(metrics, classes, steps_per_epoch=10)
    assert isinstance(events[0], TrainingStarted) and events[0].steps_per_epoch == 10
    ends = [e for e in events if isinstance(e, EpochEnded)]
    assert [e.epoch for e in ends] == [1, 2, 3]
    assert [e.is_best for e in ends] == [True, True, False]
    assert ends[2].confusion.tolist() == [[0, 0], [0, 0]]
    finished = events[-1]
    assert isinstance(finished, TrainingFinished)
    assert (finished.best_epoch, finished.best_val_accuracy) == (2, 0.75)
    assert events_from_saved_metrics([{"loss": 1}], classes) == []


@pytest.mark.slow
def test_opening_a_model_file_shows_its_history(window, tmp_path: Path) -> None:
    project = default_project()
    trainer = Trainer(project, epochs=2)
    trainer.run()
    path = tmp_path / "lenet.pt"
    save_model(path, trainer.to_model_file(best=False))

    window.open_project(path)
    dashboard = window.session.dashboard
    run = dashboard.store.current
    assert run is not None and not run.running
    assert [e.epoch for e in run.epochs] == [1, 2]
    history = trainer.history
    assert run.epochs[-1].val_accuracy == pytest.approx(history[-1]["val_accuracy"])
    dashboard.flush()
    assert np.array_equal(dashboard.confusion_view.counts, np.asarray(history[-1]["confusion"]))
    assert len(dashboard.accuracy_view.val_curve.getData()[0]) == 2
