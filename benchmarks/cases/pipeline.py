"""The app's trainer ÷ the classic tutorial input pipeline (torchvision ``MNIST``,
``ToTensor`` + ``Normalize`` per item, ``DataLoader``): same model, batch and optimizer,
training samples per second."""

from __future__ import annotations

from benchmarks import workloads
from benchmarks.harness import Budget, CaseResult, Spread, alternate, ratios
from studio.core.training import factories

NAME = "input pipeline"
TARGET = 2.5


def run(budget: Budget) -> list[CaseResult]:
    limit = budget.scaled(0, 640) or None  # quick: the first 640 training images
    data = workloads.default_data()
    if limit:
        data = _first(data, limit)
    project = workloads.project_with(epochs=1)
    batch = project.training.batch_size
    n = int(data.train_images.shape[0])

    def trainer_rate() -> float:
        return workloads.trainer_rate(project, data)

    def tutorial_rate(workers: int = workloads.TUTORIAL_WORKERS) -> float:
        train_loader, _ = workloads.tutorial_loaders(batch, limit, workers)
        model = workloads.seeded_model(project)
        optimizer = factories.make_optimizer(model.parameters(), project.training)
        seconds = workloads.tutorial_train_epoch(model, train_loader, optimizer)
        return n / seconds

    trainer_rate()
    app, tutorial = alternate(trainer_rate, tutorial_rate, budget.pairs)
    figure = Spread.of(ratios(app, tutorial))
    # The same pipeline read in the training process (num_workers=0), for comparison.
    in_process = [tutorial_rate(0) for _ in range(max(1, budget.pairs // 2))]
    return [
        CaseResult(
            NAME,
            "trainer ÷ tutorial DataLoader",
            figure,
            "×",
            f"≥ {TARGET}×",
            figure.median >= TARGET,
            [
                f"batch {batch}, {n} training images: trainer {Spread.of(app).median:,.0f} "
                f"samples/s, tutorial pipeline {Spread.of(tutorial).median:,.0f} samples/s "
                f"with its {workloads.TUTORIAL_WORKERS} workers, "
                f"{Spread.of(in_process).median:,.0f} samples/s with num_workers=0"
            ],
        )
    ]


def _first(data, count: int):
    from dataclasses import replace

    return replace(
        data, train_images=data.train_images[:count], train_labels=data.train_labels[:count]
    )
