"""The trainer in a process of its own (``core.training.process``), as the window runs it."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import sys
import threading
from pathlib import Path

import pytest
import torch

from studio.core.architecture import Architecture, Block
from studio.core.errors import FileFormatError, TrainingError
from studio.core.io.model_file import ModelFile
from studio.core.project import DatasetConfig, Project, TrainingConfig
from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    FeatureMaps,
    TrainingFailed,
    TrainingFinished,
    TrainingPaused,
    TrainingStarted,
)
from studio.core.training.process import (
    NICENESS,
    ChildVanished,
    TrainerProcess,
    TrainingCrashed,
)


def tiny_project(epochs: int = 2, dataset: str = "mnist-sample", **training) -> Project:
    """A linear classifier on the bundled MNIST sample: an epoch takes a fraction of a second."""
    settings = {"epochs": epochs, "batch_size": 128, "device": "cpu", **training}
    return Project(
        Architecture((1, 28, 28), [Block.create("Flatten"), Block.create("Linear")]),
        DatasetConfig(dataset),
        TrainingConfig(**settings),
        name="tiny",
    )


def of(events: list, kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def training_children() -> list:
    return [p for p in multiprocessing.active_children() if p.name == "studio-training"]


def test_a_run_in_its_own_process_reports_everything_a_thread_run_does():
    runner = TrainerProcess(tiny_project(), num_threads=1)
    events: list = []
    pids: list[int] = []
    niceness: list[int] = []

    def observe(event) -> None:
        events.append(event)
        if isinstance(event, TrainingStarted):
            pids.extend(p.pid for p in training_children())
            if sys.platform.startswith("linux"):  # it yields to the window: nice 5
                stat = Path(f"/proc/{pids[0]}/stat").read_text().rsplit(")", 1)[1].split()
                niceness.append(int(stat[16]))
            assert runner.data is not None  # the data arrives before the start event
        if isinstance(event, EpochEnded):
            assert set(runner.state_dict()) == {"1.weight", "1.bias"}  # this epoch's weights

    runner.add_observer(observe)
    runner.run()

    assert pids and os.getpid() not in pids  # it trained in another process
    assert niceness == ([NICENESS] if sys.platform.startswith("linux") else [])
    assert [e.epoch for e in of(events, EpochEnded)] == [1, 2]
    assert of(events, BatchProgress) and of(events, BatchProgress)[-1].step_losses.size > 0
    assert of(events, TrainingFinished)[-1].reason == "completed"
    assert runner.data.val_images.shape[0] > 0
    assert runner.data.train_images.shape[0] == 0  # the window never needs the training split
    assert runner.data.sample_shape == (1, 28, 28)
    model_file = runner.result_file()
    assert isinstance(model_file, ModelFile) and len(model_file.metrics) == 2
    assert isinstance(model_file.state_dict["1.weight"], torch.Tensor)
    assert not training_children()  # the child has ended


def test_stop_pause_and_feature_maps_reach_the_child():
    runner = TrainerProcess(tiny_project(epochs=50), num_threads=1)
    events: list = []
    progress = threading.Event()

    def observe(event) -> None:
        events.append(event)
        if isinstance(event, BatchProgress) and not progress.is_set():
            progress.set()
            runner.pause()
        if isinstance(event, TrainingPaused):
            runner.request_feature_maps(3)
        if isinstance(event, FeatureMaps):
            runner.stop()

    runner.add_observer(observe)
    runner.run()

    assert of(events, TrainingPaused)
    maps = of(events, FeatureMaps)
    assert maps and maps[0].probe_index == 3
    finished = of(events, TrainingFinished)[-1]
    assert finished.reason == "stopped" and finished.epochs_done < 50


def test_a_stop_sent_before_the_child_starts_is_kept():
    runner = TrainerProcess(tiny_project(epochs=50), num_threads=1)
    runner.stop()
    events: list = []
    runner.add_observer(events.append)
    runner.run()
    assert of(events, TrainingFinished)[-1].reason == "stopped"
    assert not of(events, EpochEnded)


def test_a_failure_in_the_run_arrives_as_the_same_event_a_thread_run_sends(tmp_path):
    project = tiny_project(dataset="image-folder")
    project.dataset.path = str(tmp_path / "missing")
    runner = TrainerProcess(project, num_threads=1)
    events: list = []
    runner.add_observer(events.append)
    runner.run()
    failed = of(events, TrainingFailed)
    assert failed and failed[0].template and "missing" in failed[0].message
    assert of(events, TrainingFinished)[-1].reason == "failed"
    assert runner.result_file() is None


def test_a_failure_before_the_run_arrives_with_its_class_and_template():
    runner = TrainerProcess(tiny_project(), num_threads=1)
    runner._job.project.training.epochs = 0  # past this side's checks: the child refuses it
    with pytest.raises(FileFormatError) as caught:
        runner.run()
    assert caught.value.template.startswith("{section}.{key} is {value}, outside")
    assert caught.value.args_map["value"] == 0 and caught.value.args_map["key"] == "epochs"


def test_a_child_killed_mid_run_is_reported_in_one_sentence():
    runner = TrainerProcess(tiny_project(epochs=500), num_threads=1)

    def observe(event) -> None:
        if isinstance(event, BatchProgress):
            for child in training_children():
                child.kill()

    runner.add_observer(observe)
    with pytest.raises(ChildVanished) as caught:
        runner.run()
    assert "ended unexpectedly" in caught.value.message and "\n" not in caught.value.message


def test_kill_ends_the_run_quietly():
    runner = TrainerProcess(tiny_project(epochs=500), num_threads=1)
    runner.add_observer(lambda e: runner.kill() if isinstance(e, BatchProgress) else None)
    runner.run()  # no error: the window asked for it
    assert not training_children()


def test_a_bug_in_the_child_comes_back_with_its_traceback(monkeypatch):
    runner = TrainerProcess(tiny_project(), num_threads=1)
    runner._job = runner._job.__class__(None, 1, None, dict(os.environ), os.getcwd())  # type: ignore[arg-type]
    with pytest.raises(TrainingCrashed) as caught:
        runner.run()
    assert caught.value.kind == "AttributeError"
    assert "Traceback" in caught.value.child_traceback


def test_studio_errors_survive_pickling_with_their_class_and_arguments():
    error = TrainingError("Loss became {value} at epoch {epoch}.", value="nan", epoch=3)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is TrainingError
    assert (copy.template, copy.args_map, copy.message) == (
        error.template,
        error.args_map,
        "Loss became nan at epoch 3.",
    )


def test_without_a_fork_server_a_run_spawns_a_fresh_interpreter(monkeypatch):
    """Windows has no fork server: the same run, from a child that imports everything."""
    from studio.core.training import process

    monkeypatch.setattr(process, "_context", lambda: multiprocessing.get_context("spawn"))
    runner = TrainerProcess(tiny_project(epochs=1), num_threads=1)
    events: list = []
    runner.add_observer(events.append)
    runner.run()
    assert [e.epoch for e in of(events, EpochEnded)] == [1]
    assert isinstance(runner.result_file(), ModelFile)


def test_stop_never_waits_for_a_slow_process_start(monkeypatch):
    """The first run may wait for the fork server's imports; Stop (or a closing window)
    sent meanwhile returns at once and still stops the run."""
    from studio.core.training import process

    real = process._context()
    starting, stop_returned = threading.Event(), threading.Event()
    order: list[str] = []

    real_start = real.Process.start

    def slow_start(self) -> None:
        starting.set()
        stop_returned.wait(10)  # a Stop blocked behind the start would time this out
        order.append("started")
        real_start(self)

    monkeypatch.setattr(real.Process, "start", slow_start)  # the class: instances pickle
    runner = TrainerProcess(tiny_project(epochs=50), num_threads=1)
    events: list = []
    runner.add_observer(events.append)
    worker = threading.Thread(target=runner.run)
    worker.start()
    assert starting.wait(30)
    runner.stop()
    order.append("stop returned")
    stop_returned.set()
    worker.join(60)
    assert order == ["stop returned", "started"]
    assert of(events, TrainingFinished)[-1].reason == "stopped"
