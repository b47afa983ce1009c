"""``studio predict`` on PNG files written here, with a model trained on synthetic quadrants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from studio.cli import main
from studio.core.architecture import Architecture, Block
from studio.core.io.model_file import save_model
from studio.core.io.project_file import save_project
from studio.core.training.trainer import Trainer
from tests.core.test_trainer_support import CLASSES, make_data, make_project


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    trainer = Trainer(make_project(epochs=2), make_data())
    assert trainer.run().reason == "completed"
    path = tmp_path_factory.mktemp("model") / "quadrants.pt"
    save_model(path, trainer.to_model_file())
    return path


def quadrant_png(path: Path, quadrant: int, size: int = 8, mode: str = "L") -> Path:
    """A bright quadrant over dark noise, like the training data."""
    rng = np.random.default_rng(quadrant)
    pixels = rng.integers(0, 90, (size, size)).astype(np.uint8)
    half = size // 2
    rows = slice(0, half) if quadrant < 2 else slice(half, size)
    cols = slice(0, half) if quadrant % 2 == 0 else slice(half, size)
    pixels[rows, cols] += 150
    image = Image.fromarray(pixels, "L")
    image.convert(mode).save(path)
    return path


def parse(out: str) -> dict[str, list[tuple[str, float]]]:
    result: dict[str, list[tuple[str, float]]] = {}
    current = ""
    for line in out.splitlines():
        if line.startswith("  "):
            name, percent = line.split()
            result[current].append((name, float(percent.rstrip("%"))))
        else:
            current = line
            result[current] = []
    return result


def test_predict_prints_the_top_three_classes(model_path: Path, tmp_path: Path, capsys):
    images = [quadrant_png(tmp_path / f"q{q}.png", q) for q in range(4)]
    # colour and a different size are converted the way the datasets adapt images
    images.append(quadrant_png(tmp_path / "big-rgb.png", 3, size=16, mode="RGB"))
    assert main(["predict", str(model_path), *map(str, images)]) == 0
    rows = parse(capsys.readouterr().out)
    assert list(rows) == [str(p) for p in images]
    for path, expected in zip(images, [0, 1, 2, 3, 3], strict=True):
        top = rows[str(path)]
        assert len(top) == 3
        assert top[0][0] == CLASSES[expected]
        assert top[0][1] > 50
        assert [p for _, p in top] == sorted((p for _, p in top), reverse=True)
        assert sum(p for _, p in top) <= 100.05


def test_bare_weights_need_the_project(model_path: Path, tmp_path: Path, capsys):
    trainer = Trainer(make_project(epochs=1), make_data())
    trainer.run()
    weights = tmp_path / "weights.pt"
    torch.save(trainer.state_dict(), weights)
    image = quadrant_png(tmp_path / "q.png", 1)

    assert main(["predict", str(weights), str(image)]) == 2
    assert "--project" in capsys.readouterr().err

    project = tmp_path / "tiny.json"
    save_project(project, make_project())
    assert main(["predict", str(weights), str(image), "--project", str(project)]) == 0
    rows = parse(capsys.readouterr().out)
    assert len(rows[str(image)]) == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not an image at all", "Could not read"),
        (None, "There is no image at"),
    ],
)
def test_unreadable_image_exits_2_with_one_line(model_path, tmp_path, capsys, content, message):
    path = tmp_path / "broken.png"
    if content is not None:
        path.write_bytes(content)
    assert main(["predict", str(model_path), str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_a_project_file_is_not_a_model(tmp_path: Path, capsys):
    project = tmp_path / "p.json"
    save_project(project, make_project())
    assert main(["predict", str(project), str(quadrant_png(tmp_path / "q.png", 0))]) == 2
    assert "is not a model file" in capsys.readouterr().err


def test_a_model_that_cannot_read_images_exits_2(tmp_path: Path, capsys):
    project = make_project([Block.create("Flatten"), Block.create("Linear", out_features=4)])
    project.architecture = Architecture(
        (2, 8, 8), [Block.create("Flatten"), Block.create("Linear", out_features=4)]
    )
    model = project.architecture.build()
    from studio.core.io.model_file import ModelFile

    path = tmp_path / "two-channel.pt"
    save_model(path, ModelFile(project, model.state_dict(), CLASSES, (0.5, 0.5), (0.2, 0.2)))
    assert main(["predict", str(path), str(quadrant_png(tmp_path / "q.png", 0))]) == 2
    assert "2-channel input" in capsys.readouterr().err


def test_an_image_folder_model_reads_images_like_its_folder_loader(
    model_path: Path, tmp_path: Path, capsys
):
    from studio.core.io.model_file import load_model
    from studio.core.project import DatasetConfig

    model = load_model(model_path)
    model.project.dataset = DatasetConfig("image-folder", path=str(tmp_path / "photos"))
    folder_model = tmp_path / "folder.pt"
    save_model(folder_model, model)
    image = quadrant_png(tmp_path / "big.png", 2, size=16, mode="RGB")
    assert main(["predict", str(folder_model), str(image)]) == 0
    top = parse(capsys.readouterr().out)[str(image)]
    assert top[0][0] == CLASSES[2]


@pytest.mark.timeout(60)
def test_predict_refuses_a_pipe_named_like_an_image(model_path: Path, tmp_path: Path, capsys):
    import os

    pipe = tmp_path / "digit.png"
    os.mkfifo(pipe)  # no writer: opening it for reading would wait forever
    assert main(["predict", str(model_path), str(pipe)]) == 2
    err = capsys.readouterr().err
    assert "not a regular file" in err and "digit.png" in err
