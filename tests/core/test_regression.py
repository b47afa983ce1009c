"""Training on CSV tables: classification above chance, regression end to end, the CLI (#16)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from studio.cli import main
from studio.core.architecture import Architecture, Block
from studio.core.io.model_file import load_model
from studio.core.io.project_file import save_project
from studio.core.project import DatasetConfig, Project, TrainingConfig
from studio.core.shapes import analyse
from studio.core.training import regression
from studio.core.training.events import MAX_SCATTER_POINTS, EpochEnded, TrainingStarted
from studio.core.training.trainer import Trainer


def regression_csv(path: Path, n: int = 500, features: int = 4, seed: int = 0) -> Path:
    """y = the sum of the features + noise (std 0.1): its variance is about ``features``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, features))
    y = x.sum(1) + 0.1 * rng.normal(size=n)
    header = [f"f{i}" for i in range(features)] + ["y"]
    lines = [",".join(header)] + [
        ",".join(f"{v:.5f}" for v in [*row, t]) for row, t in zip(x, y, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def classification_csv(path: Path, n: int = 600, seed: int = 0) -> Path:
    """Three Gaussian blobs in 20 dimensions, a text label, and a text feature."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=n)
    centres = rng.normal(size=(3, 20)) * 1.5
    x = centres[labels] + rng.normal(size=(n, 19 + 1))
    header = [f"x{i}" for i in range(19)] + ["shade", "kind"]
    names = ["cat", "dog", "eel"]
    lines = [",".join(header)]
    for row, label in zip(x, labels, strict=True):
        shade = "dark" if row[19] > 0 else "light"
        lines.append(",".join([*(f"{v:.4f}" for v in row[:19]), shade, names[label]]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def mlp(inputs: int, hidden: int, outputs: int) -> Architecture:
    return Architecture(
        (inputs,),
        [
            Block.create("Linear", out_features=hidden),
            Block.create("ReLU"),
            Block.create("Linear", out_features=outputs),
        ],
    )


def table_project(
    csv: Path, arch: Architecture, target: str, task: str = "auto", **training
) -> Project:
    settings = {"epochs": 6, "batch_size": 32, "lr": 0.01, "schedule": "none", "device": "cpu"}
    return Project(
        arch,
        DatasetConfig("csv", str(csv), target=target, task=task),
        TrainingConfig(**{**settings, **training}),
        name="table",
    )


def run(project: Project) -> tuple[list, object]:
    events: list = []
    trainer = Trainer(project, progress_interval=60)
    trainer.add_observer(events.append)
    return events, trainer.run()


def test_a_csv_classification_learns_well_above_chance(tmp_path):
    csv = classification_csv(tmp_path / "blobs.csv")
    # seed 003's network on 20 features (19 numbers + a one-hot text column of 2 values = 21)
    project = table_project(csv, mlp(21, 256, 3), "kind", epochs=4)
    events, result = run(project)
    assert result.reason == "completed", result.error
    started = next(e for e in events if isinstance(e, TrainingStarted))
    assert started.task == "classification" and started.classes == ["cat", "dog", "eel"]
    assert result.history[-1]["val_accuracy"] > 0.8  # chance is 1/3


def test_a_regression_learns_far_below_the_target_variance(tmp_path):
    csv = regression_csv(tmp_path / "sum.csv")
    events, result = run(table_project(csv, mlp(4, 8, 1), "y", epochs=8))
    assert result.reason == "completed", result.error
    started = next(e for e in events if isinstance(e, TrainingStarted))
    assert started.task == "regression" and started.loss == "mse" and started.classes == []
    epochs = [e for e in events if isinstance(e, EpochEnded)]
    last = epochs[-1]
    # targets are standardised (variance 1 on that scale): the MSE must be far below it
    assert last.val_loss < 0.05
    assert last.val_r2 > 0.95 and 0 < last.val_mae < 0.5  # the target's std is about 2
    assert last.task == "regression" and math.isnan(last.val_accuracy)
    assert last.per_class_accuracy == {} and last.confusion.shape == (0, 0)
    assert len(last.val_predictions) == len(last.val_targets) == 100
    # the scatter's figures are in the target's own units
    assert np.mean(np.abs(last.val_predictions - last.val_targets)) == pytest.approx(last.val_mae)
    assert abs(np.std(last.val_targets) - 2.0) < 0.4
    best = min(result.history, key=lambda h: h["val_loss"])["epoch"]
    assert result.best_epoch == best


@pytest.mark.parametrize("loss", ["l1", "smooth_l1"])
def test_l1_losses_train_a_regression(tmp_path, loss):
    csv = regression_csv(tmp_path / "sum.csv", n=300)
    _, result = run(table_project(csv, mlp(4, 8, 1), "y", loss=loss, epochs=5))
    assert result.reason == "completed", result.error
    assert result.history[-1]["val_r2"] > 0.8


def test_a_loss_that_does_not_fit_the_task_is_refused(tmp_path):
    csv = regression_csv(tmp_path / "sum.csv", n=100)
    _, result = run(table_project(csv, mlp(4, 8, 1), "y", loss="cross_entropy"))
    assert result.reason == "failed" and "MSE, L1 or Smooth L1" in result.error.message
    blobs = classification_csv(tmp_path / "blobs.csv", n=90)
    _, result = run(table_project(blobs, mlp(21, 8, 3), "kind", loss="l1"))
    assert result.reason == "failed" and "for regression" in result.error.message


def test_a_regression_network_must_end_in_one_value(tmp_path):
    report = analyse(mlp(4, 8, 3), task="regression")
    assert not report.ok and "predicts one number" in report.errors[0].message
    assert report.errors[0].fix.actions[0].value == 1
    assert analyse(mlp(4, 8, 1), task="regression").ok
    csv = regression_csv(tmp_path / "sum.csv", n=100)
    _, result = run(table_project(csv, mlp(4, 8, 3), "y"))
    assert result.reason == "failed" and "one number" in result.error.message


def test_the_best_regression_epoch_has_the_lowest_validation_loss():
    history = [{"val_loss": 0.5}, {"val_loss": 0.2}]
    assert regression.is_best([], 9.0)
    assert regression.is_best(history, 0.1) and not regression.is_best(history, 0.3)


def test_mae_r2_and_the_scatter_cap():
    true = np.array([1.0, 2.0, 3.0, 4.0])
    mae, r2 = regression.mae_and_r2(true + 0.5, true)
    assert mae == pytest.approx(0.5) and r2 == pytest.approx(1 - 1.0 / 5.0)
    assert math.isnan(regression.mae_and_r2(true, np.ones(4))[1])
    many = np.arange(MAX_SCATTER_POINTS * 3, dtype=float)
    kept = regression.scatter_points(many)
    assert len(kept) == MAX_SCATTER_POINTS and kept[0] == 0 and kept[-1] == many[-1]
    assert np.all(np.diff(kept) > 0)  # still in validation order


def test_cli_prints_regression_columns_and_writes_their_metrics(tmp_path, capsys):
    csv = regression_csv(tmp_path / "sum.csv", n=200)
    project_path = tmp_path / "sum.json"
    save_project(project_path, table_project(csv, mlp(4, 8, 1), "y", epochs=2))
    metrics = tmp_path / "m.json"
    assert main(["train", str(project_path), "--metrics-json", str(metrics)]) == 0
    out = capsys.readouterr().out
    assert "mean squared error loss" in out and "one-hot" not in out
    assert "val loss" in out and "MAE" in out and "R²" in out and "acc" not in out
    assert "Validation accuracy per class" not in out
    epochs = json.loads(metrics.read_text("utf-8"))["epochs"]
    for entry in epochs:
        assert entry["train_accuracy"] is None and entry["val_accuracy"] is None
        assert entry["val_loss"] > 0 and entry["val_mae"] > 0 and entry["val_r2"] < 1
    model = load_model(tmp_path / "sum.pt")
    assert model.metrics[-1]["val_mae"] == pytest.approx(epochs[-1]["val_mae"])


def test_cli_summary_shows_the_table_input_shape(tmp_path, capsys):
    csv = regression_csv(tmp_path / "sum.csv", n=50)
    project_path = tmp_path / "sum.json"
    save_project(project_path, table_project(csv, mlp(4, 8, 1), "y"))
    assert main(["summary", str(project_path)]) == 0
    assert "input shape 4, regression" in capsys.readouterr().out
    save_project(project_path, table_project(csv, mlp(5, 8, 1), "y"))
    assert main(["summary", str(project_path)]) == 1
    assert "set the input shape to 4" in capsys.readouterr().out
