"""Done means: the default project reaches 97 % validation accuracy within 10 epochs on a CPU."""

from __future__ import annotations

import pytest

from studio.core.project import TrainingConfig
from studio.core.templates import DEFAULT_TEMPLATE, get_template
from studio.core.training.trainer import Trainer


@pytest.mark.slow
def test_default_project_reaches_97_percent_within_10_epochs():
    project = get_template(DEFAULT_TEMPLATE)
    assert project.dataset.name == "mnist-sample"
    assert project.training == TrainingConfig()  # the defaults a newcomer gets
    assert (project.training.optimizer, project.training.schedule) == ("adam", "onecycle")
    assert (project.training.lr, project.training.batch_size) == (3e-3, 64)
    assert (project.training.epochs, project.training.seed) == (10, 0)

    # One thread: on shared CI cores two OpenMP threads can stall each other for seconds a
    # batch; one thread keeps this test near 8 s. The CLI run (two threads) is in the report.
    result = Trainer(project, device="cpu", num_threads=1).run()

    assert result.reason == "completed", result.error
    accuracies = [round(h["val_accuracy"], 4) for h in result.history]
    assert len(accuracies) == 10
    assert max(accuracies) >= 0.97, f"validation accuracy per epoch: {accuracies}"
    assert result.best_val_accuracy == max(h["val_accuracy"] for h in result.history)
