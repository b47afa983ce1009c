"""The dashboard's memory of runs: bounded step history, runs and resumes, CSV export."""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core.training.events import BatchProgress, EpochEnded, TrainingStarted
from studio.gui.plots.export import metrics_csv
from studio.gui.plots.history import RunStore, StepSeries, as_fraction


def _batch(epoch: int, step: int, spe: int, global_step: int, loss: float = 1.0) -> BatchProgress:
    return BatchProgress(epoch, step, spe, global_step, loss, 1000.0, 1e-3, 1.0, 1.0)


def _epoch(epoch: int, acc: float = 0.9, classes=("a", "b")) -> EpochEnded:
    return EpochEnded(
        epoch=epoch,
        train_loss=0.5,
        train_accuracy=acc,
        val_loss=0.6,
        val_accuracy=acc - 0.05,
        per_class_accuracy={c: acc for c in classes},
        confusion=np.eye(len(classes), dtype=np.int64) * 5,
        lr=1e-3,
        seconds=2.0,
        samples_per_second=900.0,
        is_best=True,
    )


def _start(first_epoch: int = 1, classes=("a", "b")) -> TrainingStarted:
    return TrainingStarted(10, first_epoch, 100, list(classes), "cpu", "cross_entropy")


@settings(max_examples=30, deadline=None)
@given(max_points=st.integers(16, 300), count=st.integers(0, 3000))
def test_step_series_stays_bounded_ordered_and_keeps_both_ends(max_points: int, count: int):
    series = StepSeries(max_points=max_points)
    for i in range(count):
        series.append(i + 1, float(i % 7), 0.1)
    assert len(series) <= max_points
    if count <= max_points:
        assert len(series) == count  # nothing is dropped before the bound is reached
    if count:
        assert series.steps[-1] == count  # the newest point is exact
        assert np.all(np.diff(series.steps) > 0)
        assert series.steps[0] <= max(2, count)  # the oldest history is kept, only coarser
        assert series.steps.dtype == np.float64


def test_decimation_averages_pairs_of_old_losses():
    series = StepSeries(max_points=16)
    for i in range(17):
        series.append(i + 1, float(i), 0.0)
    # The oldest 8 points became 4 pair means: (0+1)/2, (2+3)/2, ...
    assert series.loss[:4].tolist() == [0.5, 2.5, 4.5, 6.5]
    assert series.steps[:4].tolist() == [2, 4, 6, 8]
    assert series.steps[-1] == 17


def test_smoothed_loss_is_a_debiased_moving_average():
    series = StepSeries(tau=2 / math.log(2))  # decays by half every 2 steps
    series.append(1, 4.0, 0.0)
    series.append(3, 2.0, 0.0)
    assert series.smoothed[0] == pytest.approx(4.0)  # debiased: the first value, not 0.29·4
    w1 = 1 - 2**-0.5  # the first point's weight (its gap counts as one step)
    ema = 0.5 * w1 * 4 + 0.5 * 2
    assert series.smoothed[1] == pytest.approx(ema / (0.5 * w1 + 0.5))


def test_percentages_are_read_as_fractions():
    assert as_fraction(0.97) == 0.97
    assert as_fraction(97.0) == pytest.approx(0.97)


def test_a_new_start_begins_a_run_and_a_resume_continues_it():
    store = RunStore()
    store.start(_start())
    store.add_batch(_batch(1, 50, 100, 50))
    store.add_epoch(_epoch(1))
    run, new = store.start(_start(first_epoch=2))
    assert not new and len(store.runs) == 1
    store.add_epoch(_epoch(2))
    assert [e.epoch for e in run.epochs] == [1, 2]
    _run2, new = store.start(_start())
    assert new and len(store.runs) == 2
    assert store.current.number == 2


def test_validation_point_sits_at_the_end_of_its_epoch():
    store = RunStore()
    store.start(_start())
    store.add_batch(_batch(1, 95, 100, 95))  # the last report came 5 batches before the end
    store.add_epoch(_epoch(1))
    assert store.current.epochs[0].step == 100
    store.add_epoch(_epoch(2))  # no batch report for epoch 2: one epoch further
    assert store.current.epochs[1].step == 200


def test_metrics_csv_has_one_row_per_epoch_with_per_class_columns():
    store = RunStore()
    store.start(_start())
    store.add_epoch(_epoch(1, 0.8))
    store.add_epoch(_epoch(2, 0.9))
    rows = list(csv.DictReader(io.StringIO(metrics_csv(store.current))))
    assert [r["epoch"] for r in rows] == ["1", "2"]
    assert float(rows[1]["train_accuracy"]) == pytest.approx(0.9)
    assert float(rows[1]["val_accuracy"]) == pytest.approx(0.85)
    assert float(rows[0]["accuracy_b"]) == pytest.approx(0.8)
