"""Small real files for the file-trust tests: a tiny project, a trained-looking model, an image."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import torch
from PIL import Image

from studio.core.architecture import Architecture, Block
from studio.core.io.model_file import ModelFile, model_to_dict
from studio.core.io.project_file import project_to_json
from studio.core.project import DatasetConfig, Project, TrainingConfig

GENERIC = ("something went wrong", "unexpected error")
"""Phrases of the catch-all messages that no checked input may reach."""


def tiny_project() -> Project:
    """A linear classifier on the bundled MNIST sample."""
    return Project(
        Architecture((1, 28, 28), [Block.create("Flatten"), Block.create("Linear")]),
        DatasetConfig("mnist-sample"),
        TrainingConfig(epochs=1, batch_size=256, device="cpu"),
        name="tiny",
    )


def project_dict() -> dict[str, Any]:
    return json.loads(json.dumps(project_to_json(tiny_project())))


def model_dict() -> dict[str, Any]:
    """What ``save_model`` writes for a tiny model with a resumable run."""
    project = tiny_project()
    torch.manual_seed(0)
    net = project.architecture.build()
    optimizer = torch.optim.Adam(net.parameters())
    model = ModelFile(
        project=project,
        state_dict=net.state_dict(),
        classes=[str(i) for i in range(10)],
        mean=(0.13,),
        std=(0.31,),
        metrics=[{"epoch": 1, "val_accuracy": 0.5, "train_loss": 1.0}],
        resume={"epoch": 1, "global_step": 16, "end_epoch": 1, "optimizer": optimizer.state_dict()},
    )
    return model_to_dict(model)


def write_image(path: Path) -> Path:
    Image.fromarray(np.full((28, 28), 128, dtype=np.uint8), "L").save(path)
    return path
