"""Issue #18: a progress report carries every step since the previous one, so the loss and
learning-rate curves get one point per training step however rarely reports come."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core.training.events import BatchProgress, EpochEnded
from studio.core.training.loss_curve import append_steps
from studio.core.training.trainer import Trainer
from tests.core.test_trainer_support import make_data, make_project


@pytest.fixture(scope="module")
def data():
    return make_data()


def test_rare_reports_still_carry_every_step_loss_and_rate(data):
    trainer = Trainer(make_project(epochs=3), data, progress_interval=1e9)
    events: list = []
    trainer.add_observer(events.append)
    trainer.run()
    reports = [e for e in events if isinstance(e, BatchProgress)]
    assert len(reports) == 3  # one report per epoch, as before
    steps = np.concatenate([r.per_step()[0] for r in reports])
    assert steps.tolist() == list(range(1, 3 * 16 + 1))
    for report in reports:
        assert len(report.step_losses) == len(report.step_lrs) == 16
        assert report.first_step + 15 == report.global_step
        assert report.loss == pytest.approx(float(np.mean(report.step_losses)))
        assert np.isfinite(report.step_losses).all() and (report.step_lrs > 0).all()
    # one-cycle: the rate each step trained with changes from step to step
    assert len(set(np.concatenate([r.step_lrs for r in reports]).tolist())) > 10
    # the epoch's training loss is the mean of its steps' losses
    epochs = [e for e in events if isinstance(e, EpochEnded)]
    for report, epoch in zip(reports, epochs, strict=True):
        assert epoch.train_loss == pytest.approx(float(np.mean(report.step_losses)), rel=1e-5)
    # the model file keeps the same per-step curve
    curve = trainer.to_model_file().loss_curve
    assert [int(p[0]) for p in curve] == list(range(1, 49))


def test_a_report_of_means_only_is_one_point():
    report = BatchProgress(2, 5, 10, 15, 0.25, 100.0, 0.01, 1.0, 1.0)
    steps, losses, lrs = report.per_step()
    assert (steps.tolist(), losses.tolist(), lrs.tolist()) == ([15.0], [0.25], [0.01])


@settings(max_examples=40, deadline=None)
@given(
    chunks=st.lists(st.integers(1, 300), min_size=1, max_size=12),
    max_points=st.integers(4, 200),
)
def test_the_saved_curve_stays_bounded_and_covers_the_whole_run(chunks, max_points):
    curve: list[list[float]] = []
    step = 1
    for n in chunks:
        losses = np.full(n, 2.0)
        curve = append_steps(curve, step, losses, [0.1] * n, max_points)
        step += n
    assert len(curve) <= max_points
    assert curve[-1][0] == step - 1  # the latest step is kept exactly
    steps = [p[0] for p in curve]
    assert all(a < b for a, b in itertools.pairwise(steps))
    if step - 1 <= max_points:
        assert steps == list(range(1, step))  # short runs keep every step
    assert all(p[1] == 2.0 and p[2] == 0.1 for p in curve)  # averaging keeps the values
