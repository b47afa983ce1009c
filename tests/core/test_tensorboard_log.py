"""TensorBoard logging from ``studio train --tensorboard``: the event files hold the scalars,
the graph and feature-map images, read back with tensorboard's own reader."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.architecture import Block
from studio.core.training.tensorboard_log import SCALAR_TAGS, run_folder
from tests.core.test_train_cli import tiny_project

pytest.importorskip("tensorboard")


def read_events(folder: Path):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    accumulator = EventAccumulator(str(folder), size_guidance={"scalars": 0, "images": 0})
    accumulator.Reload()
    return accumulator


def test_train_logs_scalars_graph_and_feature_maps(tmp_path: Path, capsys) -> None:
    blocks = [
        Block.create("Conv2d", out_channels=4, kernel_size=3),
        Block.create("ReLU"),
        Block.create("Flatten"),
        Block.create("Linear"),
    ]
    project = tiny_project(tmp_path / "tb.json", blocks, epochs=2)
    logs = tmp_path / "logs"
    assert main(["train", str(project), "--tensorboard", str(logs), "--quiet"]) == 0
    (run,) = logs.iterdir()  # one run folder, named after the project and the time
    assert run.name.startswith("tiny-")
    events = read_events(run)
    tags = events.Tags()
    for tag in (*SCALAR_TAGS, "class_accuracy/0", "class_accuracy/9", "loss/train_batches"):
        assert tag in tags["scalars"], tag
    assert [e.step for e in events.Scalars("accuracy/validation")] == [1, 2]
    assert 0.5 < events.Scalars("accuracy/validation")[-1].value <= 1.0
    assert any(tag.startswith("feature_maps/00_Conv2d") for tag in tags["images"])
    assert tags["graph"]


def test_the_project_setting_logs_beside_the_project(tmp_path: Path) -> None:
    project = tiny_project(tmp_path / "p.json", epochs=1, tensorboard=True)
    assert main(["train", str(project), "--quiet"]) == 0
    (run,) = (tmp_path / "runs").iterdir()
    assert "loss/validation" in read_events(run).Tags()["scalars"]


def test_runs_in_the_same_second_get_their_own_folders(tmp_path: Path) -> None:
    first = run_folder(tmp_path, "My net!", when=0)
    first.mkdir()
    assert run_folder(tmp_path, "My net!", when=0) == Path(f"{first}-2")
    assert first.name.startswith("My-net-")


def test_missing_tensorboard_says_how_to_install(tmp_path: Path, capsys, monkeypatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "tensorboard" else real(name, *a),
    )
    project = tiny_project(tmp_path / "p.json", epochs=1)
    assert main(["train", str(project), "--tensorboard", str(tmp_path / "logs")]) == 2
    err = capsys.readouterr().err
    assert "needs the tensorboard package" in err and "pip install" in err
    assert not (tmp_path / "p.pt").exists()  # nothing trained for nothing
