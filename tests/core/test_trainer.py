"""The headless trainer on tiny synthetic data: control, failures, resume, determinism."""

from __future__ import annotations

import logging
import threading

import numpy as np
import pytest
import torch

from studio.core.architecture import Block
from studio.core.errors import ArchitectureError, TrainingError
from studio.core.io.model_file import load_model, save_model
from studio.core.training import factories
from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    FeatureMaps,
    TrainingFailed,
    TrainingFinished,
    TrainingPaused,
    TrainingResumed,
    TrainingStarted,
)
from studio.core.training.trainer import Trainer
from tests.core.test_trainer_support import CLASSES, conv_blocks, make_data, make_project


@pytest.fixture(scope="module")
def data():
    return make_data()


def record(trainer: Trainer) -> list:
    events: list = []
    trainer.add_observer(events.append)
    return events


def of(events: list, kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def metrics_only(history: list[dict]) -> list[dict]:
    return [{k: v for k, v in h.items() if k != "seconds"} for h in history]


# --- a normal run ------------------------------------------------------------------


def test_run_reports_start_progress_epochs_and_finish(data):
    trainer = Trainer(make_project(), data, progress_interval=0)
    events = record(trainer)
    result = trainer.run()

    assert result.reason == "completed" and result.error is None
    started = events[0]
    assert isinstance(started, TrainingStarted)
    assert (started.first_epoch, started.epochs, started.steps_per_epoch) == (1, 2, 16)
    assert started.classes == CLASSES and started.loss == "cross_entropy"
    assert started.notes == ["Synthetic quadrants."]
    progress = of(events, BatchProgress)
    assert [p.global_step for p in progress] == list(range(1, 33))  # interval 0: every batch
    assert all(np.isfinite(p.loss) and p.lr > 0 and p.samples_per_second > 0 for p in progress)
    assert progress[-1].eta_seconds == 0
    epochs = of(events, EpochEnded)
    assert [e.epoch for e in epochs] == [1, 2]
    assert isinstance(events[-1], TrainingFinished)
    assert events[-1].reason == "completed" and events[-1].epochs_done == 2
    assert epochs[-1].val_accuracy > 0.9  # the quadrants are easy

    history = result.history
    assert [h["epoch"] for h in history] == [1, 2]
    assert set(history[0]) == {
        "epoch",
        "train_loss",
        "train_accuracy",
        "val_loss",
        "val_accuracy",
        "per_class_accuracy",
        "seconds",
        "lr",
        "confusion",
    }


def test_progress_is_throttled(data):
    trainer = Trainer(make_project(epochs=3), data, progress_interval=1e9)
    events = record(trainer)
    trainer.run()
    # only the last batch of each epoch reports when the interval never elapses
    assert [(p.epoch, p.step) for p in of(events, BatchProgress)] == [(1, 16), (2, 16), (3, 16)]


def test_epoch_metrics_match_a_hand_count_of_the_validation_set(data):
    trainer = Trainer(make_project(epochs=1), data)
    events = record(trainer)
    trainer.run()
    end = of(events, EpochEnded)[0]

    model = trainer.model.eval()
    x = (data.val_images.float() / 255 - data.mean[0]) / data.std[0]
    with torch.no_grad():
        pred = model(x).argmax(1)
    true = data.val_labels
    expected = np.zeros((4, 4), dtype=np.int64)
    for t, p in zip(true.tolist(), pred.tolist(), strict=True):
        expected[t, p] += 1
    assert end.confusion.dtype == np.int64
    assert np.array_equal(end.confusion, expected)
    assert end.val_accuracy == (pred == true).float().mean().item()
    for c, name in enumerate(CLASSES):
        mask = true == c
        assert end.per_class_accuracy[name] == pytest.approx((pred[mask] == c).float().mean())
    assert trainer.history[0]["confusion"] == expected.tolist()
    assert np.array_equal(end.val_predictions, pred.numpy())  # per sample, validation order


def test_same_seed_gives_the_same_metrics(data):
    runs = [Trainer(make_project(epochs=2, seed=7), data).run() for _ in range(2)]
    other = Trainer(make_project(epochs=2, seed=8), data).run()
    assert metrics_only(runs[0].history) == metrics_only(runs[1].history)
    assert metrics_only(runs[0].history) != metrics_only(other.history)


def test_best_epoch_weights_are_kept(data):
    # plain SGD keeps no momentum that could pull zeroed weights back
    project = make_project(epochs=3, optimizer="sgd", momentum=0.0, lr=0.2, schedule="none")
    trainer = Trainer(project, data)
    events = record(trainer)
    weights: dict[int, dict] = {}

    def spoil_after_epoch_2(event):
        if isinstance(event, EpochEnded):
            weights[event.epoch] = trainer.state_dict()
            if event.epoch == 2:  # zeroed ReLU nets cannot learn: epoch 3 gets worse
                with torch.no_grad():
                    for p in trainer.model.parameters():
                        p.zero_()

    trainer.add_observer(spoil_after_epoch_2)
    result = trainer.run()

    ends = of(events, EpochEnded)
    assert ends[2].val_accuracy < ends[1].val_accuracy
    assert [e.is_best for e in ends][2] is False
    assert result.best_epoch == trainer.best_epoch
    assert result.best_epoch in (1, 2)
    best = trainer.to_model_file(best=True)
    for key, value in weights[result.best_epoch].items():
        assert torch.equal(best.state_dict[key], value)
    current = trainer.to_model_file(best=False)
    assert torch.count_nonzero(current.state_dict["4.weight"]) == 0
    assert [h["epoch"] for h in best.metrics] == [1, 2, 3]


# --- stop, pause, feature maps -------------------------------------------------------


def test_stop_takes_effect_within_one_batch(data):
    trainer = Trainer(make_project(epochs=3), data, progress_interval=0)
    events = record(trainer)

    def stop_at_5(event):
        if isinstance(event, BatchProgress) and event.global_step == 5:
            trainer.stop()

    trainer.add_observer(stop_at_5)
    result = trainer.run()

    assert result.reason == "stopped"
    assert trainer.global_step == 5
    assert of(events, BatchProgress)[-1].global_step == 5
    assert of(events, EpochEnded) == []
    assert events[-1] == TrainingFinished("stopped", 0, None, None, events[-1].seconds)
    # a stopped run keeps what it learned: the current weights, not the initial ones
    initial = Trainer(make_project(), data)
    initial._prepare()
    learned = trainer.state_dict()
    assert not torch.equal(learned["0.weight"], initial.state_dict()["0.weight"])
    assert torch.equal(trainer.to_model_file().state_dict["0.weight"], learned["0.weight"])


def test_stop_at_the_last_batch_of_an_epoch_still_validates_it(data):
    trainer = Trainer(make_project(epochs=3), data, progress_interval=0)
    events = record(trainer)
    trainer.add_observer(
        lambda e: isinstance(e, BatchProgress) and e.global_step == 16 and trainer.stop()
    )
    result = trainer.run()
    assert result.reason == "stopped" and trainer.global_step == 16
    assert [e.epoch for e in of(events, EpochEnded)] == [1]
    assert result.epochs_done == 1 and result.best_epoch == 1


def test_pause_blocks_between_batches_until_resumed_from_another_thread(data):
    trainer = Trainer(make_project(epochs=1), data, progress_interval=0)
    events = record(trainer)
    paused, maps = threading.Event(), threading.Event()

    def watch(event):
        if isinstance(event, TrainingPaused):
            paused.set()
        if isinstance(event, FeatureMaps):
            maps.set()

    trainer.add_observer(watch)
    trainer.pause()  # asked before the first batch: it pauses right after it
    worker = threading.Thread(target=trainer.run)
    worker.start()
    try:
        assert paused.wait(60)
        assert trainer.is_paused and trainer.global_step == 1
        trainer.request_feature_maps(probe_index=3)  # served while paused
        assert maps.wait(60)
        assert trainer.global_step == 1
    finally:
        trainer.resume()
        worker.join(60)
    assert not worker.is_alive()

    kinds = [type(e) for e in events]
    p, r = kinds.index(TrainingPaused), kinds.index(TrainingResumed)
    between = events[p + 1 : r]
    assert [type(e) for e in between] == [FeatureMaps]
    assert between[0].global_step == 1 and between[0].probe_index == 3
    assert events[p].global_step == events[r].global_step == 1
    after = of(events[r:], BatchProgress)
    assert [e.global_step for e in after] == list(range(2, 17))
    assert events[-1].reason == "completed"


def test_stop_ends_a_pause(data):
    trainer = Trainer(make_project(epochs=1), data, progress_interval=0)
    events = record(trainer)
    paused = threading.Event()
    trainer.add_observer(lambda e: isinstance(e, TrainingPaused) and paused.set())
    trainer.pause()
    worker = threading.Thread(target=trainer.run)
    worker.start()
    assert paused.wait(60)
    trainer.stop()
    worker.join(60)
    assert not worker.is_alive()
    assert events[-1].reason == "stopped" and trainer.global_step == 1
    assert of(events, TrainingResumed) == []


def test_feature_maps_cover_every_layer_and_leave_the_model_clean(data):
    blocks = [*conv_blocks(dropout=True)]
    trainer = Trainer(make_project(blocks, epochs=1), data)
    events = record(trainer)
    trainer.request_feature_maps(probe_index=5)
    trainer.run()

    (maps,) = of(events, FeatureMaps)
    assert maps.global_step == 1 and maps.probe_index == 5
    assert maps.image.shape == (1, 8, 8) and maps.image.dtype == np.float32
    assert np.allclose(maps.image, data.val_images[5].numpy() / 255)
    assert sorted(maps.maps) == list(range(len(blocks)))
    assert maps.maps[0].shape == (4, 8, 8)
    assert maps.maps[2].shape == (4, 4, 4)
    assert maps.maps[5].shape == (4,)
    assert all(a.dtype == np.float32 for a in maps.maps.values())
    model = trainer.model
    assert model.training
    assert all(not layer._forward_hooks for layer in model)


def test_periodic_feature_maps(data):
    trainer = Trainer(make_project(epochs=1), data, feature_maps_interval=0.0)
    events = record(trainer)
    trainer.run()
    assert [m.global_step for m in of(events, FeatureMaps)] == list(range(1, 17))


def test_big_feature_maps_are_shrunk():
    from studio.core.training.probe import MAX_CHANNELS, MAX_SIDE, capture_feature_maps

    model = torch.nn.Sequential(torch.nn.Conv2d(1, 80, 1), torch.nn.Flatten())
    maps = capture_feature_maps(model, torch.zeros(1, 1, 200, 100))
    assert maps[0].shape == (MAX_CHANNELS, MAX_SIDE, MAX_SIDE // 2)
    assert maps[1].shape == (4096,)


# --- failures ------------------------------------------------------------------------


def test_nan_loss_stops_with_the_step_and_the_learning_rate(data):
    trainer = Trainer(make_project(optimizer="sgd", lr=1e3, schedule="none"), data)
    events = record(trainer)
    result = trainer.run()

    assert result.reason == "failed"
    (failed,) = of(events, TrainingFailed)
    assert "The loss became NaN at step" in failed.message
    assert "of epoch 1" in failed.message
    assert "learning rate (1000) is probably too high; try 0.01" in failed.message
    assert isinstance(result.error, TrainingError) and result.error.message == failed.message
    assert failed.args["lr"] == "1000"
    assert events[-1].reason == "failed"


def test_invalid_architecture_is_refused_before_torch(data):
    blocks = [Block.create("Conv2d", out_channels=2, kernel_size=3), Block.create("Linear")]
    result = Trainer(make_project(blocks), data).run()
    assert result.reason == "failed"
    assert isinstance(result.error, ArchitectureError)
    assert "Layer 1 (Linear)" in result.error.message and "Flatten" in result.error.message

    wrong_classes = [Block.create("Flatten"), Block.create("Linear", out_features=10)]
    result = Trainer(make_project(wrong_classes), data).run()
    assert "the dataset has 4 classes" in result.error.message


def test_unavailable_device_is_one_sentence(data):
    result = Trainer(make_project(), data, device="cuda:3").run()
    assert isinstance(result.error, TrainingError)
    assert "is not available on this computer" in result.error.message
    with pytest.raises(TrainingError, match="is not a device"):
        factories.resolve_device("toaster")
    assert factories.resolve_device("auto").type in ("cuda", "mps", "cpu")


def test_out_of_memory_suggests_half_the_batch_size(data, monkeypatch):
    calls = []
    real = factories.make_loss

    def make_loss(name, k):
        loss = real(name, k)

        def exploding(output, labels):
            calls.append(1)
            if len(calls) == 3:
                raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
            return loss(output, labels)

        return exploding

    monkeypatch.setattr(factories, "make_loss", make_loss)
    trainer = Trainer(make_project(), data)
    result = trainer.run()
    assert result.reason == "failed"
    assert result.error.message == (
        "The computer ran out of memory at step 3 of epoch 1 with batch size 16. "
        "Try batch size 8, or a smaller network."
    )
    assert all(p.grad is None for p in trainer.model.parameters())


def test_a_failing_observer_is_logged_and_does_not_stop_the_run(data, caplog):
    trainer = Trainer(make_project(epochs=1), data)

    def broken(event):
        raise ValueError("observer bug")

    trainer.add_observer(broken)
    events = record(trainer)
    with caplog.at_level(logging.ERROR, logger="studio.core.training.trainer"):
        result = trainer.run()
    assert result.reason == "completed"
    assert len(of(events, EpochEnded)) == 1
    assert any("observer failed" in r.message for r in caplog.records)


def test_data_that_does_not_fit_the_network_is_refused(data):
    project = make_project()
    project.architecture.set_input_shape((1, 16, 16))
    result = Trainer(project, data).run()
    assert "samples of shape 1×8×8, but the network takes 1×16×16" in result.error.message


# --- every setting builds and trains -------------------------------------------------


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw", "rmsprop", "adagrad"])
@pytest.mark.parametrize("schedule", ["none", "step", "cosine", "onecycle"])
def test_every_optimizer_and_schedule_trains_and_checkpoints_safely(
    data, optimizer, schedule, tmp_path
):
    project = make_project(optimizer=optimizer, schedule=schedule, epochs=1, step_size=1)
    project.training.nesterov = optimizer == "sgd"
    project.training.weight_decay = 1e-4
    trainer = Trainer(project, data)
    result = trainer.run()
    assert result.reason == "completed", result.error
    assert np.isfinite(result.history[0]["train_loss"])

    path = tmp_path / "m.pt"
    save_model(path, trainer.to_model_file(best=False))
    raw = torch.load(path, weights_only=True)
    assert raw["resume"]["optimizer"]["state"]  # moments (or momentum buffers) were saved
    assert (raw["resume"]["scheduler"] is None) == (schedule == "none")
    resumed = Trainer(project, data, resume_from=load_model(path), epochs=1).run()
    assert resumed.reason == "completed", resumed.error
    assert [h["epoch"] for h in resumed.history] == [1, 2]


@pytest.mark.parametrize("init", ["default", "kaiming", "xavier", "normal"])
def test_every_init_trains(data, init):
    trainer = Trainer(make_project(init=init, epochs=1), data)
    assert trainer.run().reason == "completed"
    fresh = make_project(init=init).architecture.build()
    torch.manual_seed(0)
    factories.init_weights(fresh, init, "zeros")  # Bias init "zeros"; torch's is the default
    if init == "normal":
        assert abs(float(fresh[0].weight.detach().std()) - factories.NORMAL_INIT_STD) < 0.005
    if init != "default":
        assert not fresh[0].bias.any() and not fresh[4].bias.any()


def test_nll_is_chosen_for_log_softmax_and_the_person_is_told(data):
    blocks = [*conv_blocks(), Block.create("LogSoftmax")]
    trainer = Trainer(make_project(blocks, epochs=1), data)
    events = record(trainer)
    assert trainer.run().reason == "completed"
    started = events[0]
    assert started.loss == "nll"
    assert any("LogSoftmax" in n and "NLL" in n for n in started.notes)


def test_mse_against_one_hot_targets(data):
    blocks = [*conv_blocks(), Block.create("Softmax")]
    trainer = Trainer(make_project(blocks, loss="mse", epochs=2, optimizer="adam"), data)
    events = record(trainer)
    result = trainer.run()
    assert result.reason == "completed"
    assert events[0].loss == "mse"
    assert result.history[-1]["train_loss"] < 0.25  # below guessing, on probabilities
    loss = factories.make_loss("mse", 3)
    out = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    assert loss(out, torch.tensor([0, 2])).item() == pytest.approx((0.25 + 0.25) / 6)


def test_nesterov_without_momentum_is_a_clear_error(data):
    project = make_project(optimizer="sgd", momentum=0.0, nesterov=True)
    result = Trainer(project, data).run()
    assert "Nesterov momentum needs a momentum above 0" in result.error.message


# --- resume --------------------------------------------------------------------------


def test_resume_continues_the_history(data, tmp_path):
    first = Trainer(make_project(epochs=2), data)
    first.run()
    path = tmp_path / "two.pt"
    save_model(path, first.to_model_file(best=False))

    trainer = Trainer(
        make_project(epochs=2), data, resume_from=load_model(path), epochs=1, progress_interval=0
    )
    events = record(trainer)
    result = trainer.run()

    assert result.reason == "completed"
    assert (events[0].first_epoch, events[0].epochs) == (3, 3)
    assert [h["epoch"] for h in result.history] == [1, 2, 3]
    assert result.history[:2] == first.history
    assert [e.epoch for e in of(events, EpochEnded)] == [3]
    assert of(events, BatchProgress)[0].global_step == 33
    saved = trainer.to_model_file(best=False)
    assert [h["epoch"] for h in saved.metrics] == [1, 2, 3]
    assert saved.resume["epoch"] == 3 and saved.resume["global_step"] == 48


def test_resuming_an_interrupted_run_matches_an_uninterrupted_one(data, tmp_path):
    """Optimizer, schedule and RNG state all come back: epoch 3 is bit for bit the same."""
    blocks = conv_blocks(dropout=True)
    straight = Trainer(make_project(blocks, epochs=3, optimizer="adam"), data).run()

    interrupted = Trainer(make_project(blocks, epochs=3, optimizer="adam"), data)
    interrupted.add_observer(
        lambda e: isinstance(e, EpochEnded) and e.epoch == 2 and interrupted.stop()
    )
    assert interrupted.run().reason == "stopped"
    path = tmp_path / "stopped.pt"
    save_model(path, interrupted.to_model_file(best=False))
    model_file = load_model(path)
    optimizer_state = model_file.resume["optimizer"]["state"]

    trainer = Trainer(
        make_project(blocks, epochs=3, optimizer="adam"), data, resume_from=model_file
    )
    events = record(trainer)
    seen_state = {}

    def grab(event):
        if isinstance(event, TrainingStarted):
            seen_state.update(trainer._run.optimizer.state_dict()["state"])

    trainer.add_observer(grab)
    resumed = trainer.run()
    assert (events[0].first_epoch, events[0].epochs) == (3, 3)  # finishes the planned run
    assert metrics_only(resumed.history) == metrics_only(straight.history)
    for index, state in optimizer_state.items():
        assert torch.equal(seen_state[index]["exp_avg"], state["exp_avg"])


def test_resume_from_a_weights_only_model_file_starts_at_epoch_1(data):
    first = Trainer(make_project(epochs=1), data)
    first.run()
    model_file = first.to_model_file()
    model_file.resume = None
    trainer = Trainer(make_project(epochs=1), data, resume_from=model_file)
    events = record(trainer)
    result = trainer.run()
    assert events[0].first_epoch == 1
    assert any("only its weights are used" in n for n in events[0].notes)
    assert result.history[0]["val_accuracy"] >= 0.9  # it starts from the trained weights


def test_resume_with_weights_of_another_network_is_refused(data):
    first = Trainer(make_project(epochs=1), data)
    first.run()
    other = [Block.create("Flatten"), Block.create("Linear", out_features=4)]
    result = Trainer(make_project(other), data, resume_from=first.to_model_file()).run()
    assert "do not fit this network" in result.error.message
