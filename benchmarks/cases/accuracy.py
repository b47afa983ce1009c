"""Seconds to 97 % validation accuracy on the bundled sample: the app with its default
settings ÷ the classic tutorial recipe (batch 4, SGD lr 0.001 momentum 0.9, per-item
``ToTensor`` + ``Normalize`` through a ``DataLoader``), same network and validation split.

Both clocks start before the data is read and stop at the end of the first epoch whose
validation accuracy reaches the goal. A side that never reaches it within its epoch
budget counts its whole time, and the ratio is then marked as an upper bound.
"""

from __future__ import annotations

import time

import torch

from benchmarks import workloads
from benchmarks.harness import Budget, CaseResult, Spread, alternate, ratios
from studio.core.templates import default_project
from studio.core.training.events import EpochEnded
from studio.core.training.trainer import Trainer

NAME = "time to accuracy"
GOAL = 0.97
TARGET = 0.25
TUTORIAL = {"batch_size": 4, "lr": 0.001, "momentum": 0.9}


class Attempt:
    """Times of one side, and whether each run reached the goal (and at which epoch)."""

    def __init__(self) -> None:
        self.epochs: list[int | None] = []

    def record(self, epoch: int | None) -> None:
        self.epochs.append(epoch)

    def reached_all(self) -> bool:
        return all(e is not None for e in self.epochs)

    def describe(self) -> str:
        done = [e for e in self.epochs if e is not None]
        if not done:
            return "never reached"
        return f"epoch {min(done)}–{max(done)}" if min(done) != max(done) else f"epoch {done[0]}"


def app_seconds(epochs: int | None, attempt: Attempt) -> float:
    """The app as a newcomer runs it: default project, default settings, bundled sample."""
    reached: list[int] = []
    trainer = Trainer(default_project(), epochs=epochs)

    def watch(event: object) -> None:
        if isinstance(event, EpochEnded) and event.val_accuracy >= GOAL and not reached:
            reached.append(event.epoch)
            trainer.stop()

    trainer.add_observer(watch)
    start = time.perf_counter()
    trainer.run()
    seconds = time.perf_counter() - start
    attempt.record(reached[0] if reached else None)
    return seconds


def tutorial_seconds(
    max_epochs: int,
    train_limit: int | None,
    attempt: Attempt,
    workers: int = workloads.TUTORIAL_WORKERS,
) -> float:
    """The tutorial's code: its data pipeline, optimizer and loop, epoch by epoch."""
    start = time.perf_counter()
    train, test = workloads.tutorial_loaders(TUTORIAL["batch_size"], train_limit, workers)
    model = workloads.seeded_model(default_project())
    optimizer = torch.optim.SGD(
        model.parameters(), lr=TUTORIAL["lr"], momentum=TUTORIAL["momentum"]
    )
    reached = None
    for epoch in range(1, max_epochs + 1):
        workloads.tutorial_train_epoch(model, train, optimizer)
        if workloads.tutorial_accuracy(model, test) >= GOAL:
            reached = epoch
            break
    attempt.record(reached)
    return time.perf_counter() - start


def run(budget: Budget) -> list[CaseResult]:
    app_epochs = budget.scaled(0, 1) or None  # quick: one epoch, the goal may not be met
    tutorial_epochs = budget.scaled(20, 1)
    limit = budget.scaled(0, 400) or None
    workloads.default_data()
    ours, theirs = Attempt(), Attempt()
    app, tutorial = alternate(
        lambda: app_seconds(app_epochs, ours),
        lambda: tutorial_seconds(tutorial_epochs, limit, theirs),
        budget.pairs,
    )
    figure = Spread.of(ratios(app, tutorial))
    # The same recipe reading its data in the training process (num_workers=0), for comparison.
    in_process = Attempt()
    local = [
        tutorial_seconds(tutorial_epochs, limit, in_process, workers=0)
        for _ in range(max(1, budget.pairs // 2))
    ]
    bound = "" if theirs.reached_all() else " (tutorial never reached it: an upper bound)"
    met = ours.reached_all() and figure.median <= TARGET
    return [
        CaseResult(
            NAME,
            f"seconds to {GOAL:.0%}: defaults ÷ tutorial recipe",
            figure,
            "",
            f"≤ {TARGET}",
            met,
            [
                f"defaults {Spread.of(app).median:.1f} s ({ours.describe()}), tutorial recipe "
                f"{Spread.of(tutorial).median:.1f} s ({theirs.describe()}){bound} with its "
                f"{workloads.TUTORIAL_WORKERS} DataLoader workers, "
                f"{Spread.of(local).median:.1f} s ({in_process.describe()}) with num_workers=0"
            ],
        )
    ]
