"""The app's trainer ÷ a hand-written loop over preloaded tensors: same model, batch, seed,
optimizer, schedule and device, training and validation timed end to end."""

from __future__ import annotations

import time

from benchmarks import workloads
from benchmarks.harness import Budget, CaseResult, Spread, alternate
from studio.core.training.trainer import Trainer

NAME = "engine"
TARGET = 0.97


def run(budget: Budget) -> list[CaseResult]:
    epochs = budget.scaled(3, 1)
    data = workloads.default_data()
    project = workloads.project_with(epochs=epochs)

    def trainer_seconds() -> float:
        start = time.perf_counter()
        Trainer(project, data=data, epochs=epochs).run()
        return time.perf_counter() - start

    def hand_seconds() -> float:
        return workloads.hand_loop(project, data, epochs)

    trainer_seconds()  # warm-up: first optimizer build, allocator, kernels
    app, hand = alternate(trainer_seconds, hand_seconds, budget.pairs)
    speed = [h / a for a, h in zip(app, hand, strict=True)]  # speed ratio = inverse of time
    figure = Spread.of(speed)
    samples = epochs * int(data.train_images.shape[0])
    return [
        CaseResult(
            NAME,
            "trainer ÷ hand loop (speed)",
            figure,
            "",
            f"≥ {TARGET}",
            figure.median >= TARGET,
            [
                f"{epochs} epochs of the default project: trainer "
                f"{samples / Spread.of(app).median:,.0f} samples/s, hand loop "
                f"{samples / Spread.of(hand).median:,.0f} samples/s (training + validation)"
            ],
        )
    ]
