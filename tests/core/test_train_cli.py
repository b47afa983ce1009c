"""``studio train`` end to end on the bundled sample with a tiny network."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest
import torch

from studio.cli import main
from studio.commands import train as train_command
from studio.core.architecture import Architecture, Block
from studio.core.io.model_file import load_model
from studio.core.io.project_file import save_project
from studio.core.project import DatasetConfig, Project, TrainingConfig
from studio.core.training.events import BatchProgress, EpochEnded

KEYS = {
    "epoch",
    "train_loss",
    "train_accuracy",
    "val_loss",
    "val_accuracy",
    "per_class_accuracy",
    "seconds",
}


def tiny_project(path: Path, blocks: list[Block] | None = None, **training) -> Path:
    """A linear classifier on the bundled MNIST sample: one epoch takes a fraction of a second."""
    blocks = blocks or [Block.create("Flatten"), Block.create("Linear")]
    project = Project(
        Architecture((1, 28, 28), blocks),
        DatasetConfig("mnist-sample"),
        TrainingConfig(**{"epochs": 2, "batch_size": 128, "device": "cpu", **training}),
        name="tiny",
    )
    save_project(path, project)
    return path


def test_train_writes_the_model_and_the_metrics(tmp_path: Path, capsys):
    project = tiny_project(tmp_path / "tiny.json")
    metrics = tmp_path / "m.json"
    assert main(["train", str(project), "--metrics-json", str(metrics)]) == 0
    out = capsys.readouterr().out

    data = json.loads(metrics.read_text("utf-8"))
    assert [e["epoch"] for e in data["epochs"]] == [1, 2]
    for entry in data["epochs"]:
        assert set(entry) == KEYS
        for key in ("train_accuracy", "val_accuracy"):
            assert 0.0 <= entry[key] <= 1.0
        assert set(entry["per_class_accuracy"]) == {str(d) for d in range(10)}
        assert all(0.0 <= v <= 1.0 for v in entry["per_class_accuracy"].values())
        assert entry["seconds"] > 0 and entry["train_loss"] > 0
    assert data["epochs"][-1]["val_accuracy"] > 0.8  # even a linear model learns digits

    model = load_model(tmp_path / "tiny.pt")  # default: beside the project
    assert model.classes == [str(d) for d in range(10)]
    assert len(model.mean) == 1 and 0 < model.mean[0] < 1
    assert [m["epoch"] for m in model.metrics] == [1, 2]
    assert model.resume is not None and model.resume["epoch"] in (1, 2)
    net = model.build_model()
    assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 10)

    lines = out.splitlines()
    assert sum(line.startswith("epoch ") for line in lines) == 2
    assert any(line.startswith("Validation accuracy per class") for line in lines)
    assert sum(line.strip().startswith(tuple("0123456789")) for line in lines) >= 10
    assert lines[-1].startswith(f"Saved {tmp_path / 'tiny.pt'} (epoch ")


def test_train_resume_continues_the_epochs(tmp_path: Path, capsys):
    project = tiny_project(tmp_path / "p.json", epochs=1)
    first = tmp_path / "first.pt"
    assert main(["train", str(project), "--out", str(first), "--quiet"]) == 0
    assert capsys.readouterr().out.startswith(f"Saved {first} (epoch 1, validation accuracy ")
    metrics = tmp_path / "m.json"
    second = tmp_path / "second.pt"
    args = ["train", str(project), "--resume", str(first), "--epochs", "2", "--out", str(second)]
    assert main([*args, "--metrics-json", str(metrics), "--quiet"]) == 0
    epochs = json.loads(metrics.read_text("utf-8"))["epochs"]
    assert [e["epoch"] for e in epochs] == [1, 2, 3]
    assert [m["epoch"] for m in load_model(second).metrics] == [1, 2, 3]


def test_quiet_prints_only_the_saved_file(tmp_path: Path, capsys):
    project = tiny_project(tmp_path / "q.json", epochs=1)
    assert main(["train", str(project), "--quiet"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and out[0].startswith("Saved ")


def test_ctrl_c_stops_cleanly_and_still_saves(tmp_path: Path, capsys, monkeypatch):
    project = tiny_project(tmp_path / "c.json", epochs=5)
    real = train_command.ProgressPrinter.__call__

    def interrupt_in_epoch_2(self, event):
        real(self, event)
        if isinstance(event, EpochEnded) and event.epoch == 2:
            os.kill(os.getpid(), signal.SIGINT)  # the handler only asks the trainer to stop

    monkeypatch.setattr(train_command.ProgressPrinter, "__call__", interrupt_in_epoch_2)
    previous = signal.getsignal(signal.SIGINT)
    metrics = tmp_path / "m.json"
    assert main(["train", str(project), "--metrics-json", str(metrics)]) == 130
    assert signal.getsignal(signal.SIGINT) is previous
    captured = capsys.readouterr()
    assert "Stopped by Ctrl-C." in captured.err
    assert [e["epoch"] for e in json.loads(metrics.read_text())["epochs"]] == [1, 2]
    assert [m["epoch"] for m in load_model(tmp_path / "c.pt").metrics] == [1, 2]


def test_nan_loss_exits_2_with_one_sentence(tmp_path: Path, capsys):
    blocks = [
        Block.create("Flatten"),
        Block.create("Linear", out_features=32),
        Block.create("ReLU"),
        Block.create("Linear"),
    ]
    project = tiny_project(tmp_path / "nan.json", blocks, optimizer="sgd", lr=1e4, schedule="none")
    out = tmp_path / "nan.pt"
    assert main(["train", str(project), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("studio: The loss became")
    assert "learning rate (10000) is probably too high" in err[-1]
    assert not out.exists()  # no epoch finished, so there is nothing worth saving


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--device", "cuda:7"], "is not available on this computer"),
        (["--out", "/no/such/folder/m.pt"], "does not exist"),
    ],
)
def test_bad_options_exit_2_with_one_line(tmp_path: Path, capsys, extra, message):
    project = tiny_project(tmp_path / "p.json", epochs=1)
    assert main(["train", str(project), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_missing_project_exits_2(tmp_path: Path, capsys):
    assert main(["train", str(tmp_path / "nothing.json")]) == 2
    assert "There is no file at" in capsys.readouterr().err


def test_progress_bar_only_on_a_terminal(capsys):
    class Tty:
        def __init__(self, tty: bool) -> None:
            self.tty, self.text = tty, ""

        def isatty(self) -> bool:
            return self.tty

        def write(self, text: str) -> None:
            self.text += text

        def flush(self) -> None:
            pass

    event = BatchProgress(1, 5, 10, 5, 0.5, 1234.0, 0.01, 1.0, 65.0)
    for tty in (True, False):
        err = Tty(tty)
        printer = train_command.ProgressPrinter(err=err)
        printer.end_epoch = 3
        printer(event)
        if tty:
            assert err.text.startswith("\repoch 1/3 [############------------] 5/10")
            assert "1,234 samples/s  ETA 1:05" in err.text
        else:
            assert err.text == ""
