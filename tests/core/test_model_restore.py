"""The core's trained-model object and the project an exported script carries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from studio.cli import main
from studio.core.codegen.restore import (
    EMBED_NAME,
    MAX_SOURCE_BYTES,
    _pieces,
    embedded_constant,
    embedded_project,
    guess_dataset,
    import_project,
)
from studio.core.codegen.training_script import export_script
from studio.core.errors import CodeImportError
from studio.core.inference import TrainedModel
from studio.core.io.model_file import load_model
from studio.core.project import DatasetConfig
from studio.core.templates import get_template
from tests.core.test_predict import model_path, quadrant_png  # noqa: F401  (fixture)
from tests.core.test_trainer_support import CLASSES


def test_the_trained_model_says_how_it_converted_an_image(model_path, tmp_path):  # noqa: F811
    trained = TrainedModel.from_model_file(load_model(model_path))
    assert trained.classes == CLASSES and trained.input_shape == (1, 8, 8)
    same = trained.read_image(quadrant_png(tmp_path / "same.png", 0))
    assert same.conversion is None and not same.inverted
    big = trained.read_image(quadrant_png(tmp_path / "big.png", 3, size=64, mode="RGB"))
    assert str(big.conversion) == "64×64 colour → 1×8×8 grey"
    assert tuple(big.pixels.shape) == (1, 8, 8) and big.pixels.dtype.is_floating_point is False
    prediction = trained.predict(big.pixels)
    assert prediction.top[0][0] == CLASSES[3]
    assert prediction.probabilities.sum() == pytest.approx(1.0)


def test_dark_strokes_on_paper_are_inverted_for_a_light_on_dark_model(model_path, tmp_path):  # noqa: F811
    pixels = np.full((8, 8), 250, dtype=np.uint8)
    pixels[4:, :4] = 20  # a dark south-west quadrant on white
    path = tmp_path / "paper.png"
    Image.fromarray(pixels, "L").save(path)
    trained = TrainedModel.from_model_file(load_model(model_path))
    image = trained.read_image(path)
    assert image.inverted and int(image.pixels[0, 7, 0]) == 235
    assert trained.predict(image.pixels).top[0][0] == CLASSES[2]


def test_studio_predict_reports_the_conversion_on_stderr(model_path, tmp_path, capsys):  # noqa: F811
    image = quadrant_png(tmp_path / "rgb.png", 1, size=16, mode="RGB")
    assert main(["predict", str(model_path), str(image)]) == 0
    captured = capsys.readouterr()
    assert f"{image}: 16×16 colour → 1×8×8 grey" in captured.err
    assert captured.out.splitlines()[0] == str(image)  # stdout keeps its table


def test_the_embedded_project_is_lint_clean_and_reads_back(tmp_path: Path) -> None:
    project = get_template("lenet-mnist")
    project.name = "数字 “quoted” \\ back-slashed " + "very long name " * 12
    project.description = "x" * 300 + " 'single' and \"double\" quotes"
    project.dataset = DatasetConfig("image-folder", path="/data/" + "deep/" * 40 + "photos")
    text = embedded_constant(project)
    assert all(len(line) <= 100 for line in text.splitlines())
    path = tmp_path / "constant.py"
    path.write_text(text + "\n", encoding="utf-8")
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated", "--select",
         "E,F,W,I,B,UP,SIM,RUF", "--line-length", "100", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert lint.returncode == 0, lint.stdout
    restored, notes = embedded_project(text)
    assert notes == [] and restored is not None
    assert restored.to_dict() == project.to_dict()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([", ", "a", "é", "\\", "'", '"', "\n", "数"]), max_size=200))
def test_the_constant_pieces_join_back_and_fit_the_line(parts: list[str]) -> None:
    text = "".join(parts)
    pieces = _pieces(text, 40)
    assert "".join(pieces) == text
    assert all(len(repr(piece)) <= 40 for piece in pieces)


def test_an_edited_script_keeps_its_settings_and_uses_the_codes_network() -> None:
    project = get_template("lenet-mnist")
    project.training.epochs = 9
    script = export_script(project).replace("nn.Linear(84, 10)", "nn.Linear(84, 12)")
    imported = import_project(script, "edited.py")
    assert imported.restored and imported.project.training.epochs == 9
    assert imported.project.architecture.blocks[-1].params["out_features"] == 12
    assert any("differs" in str(note) for note in imported.notes)


def test_a_damaged_constant_gives_a_note_and_a_fresh_project() -> None:
    script = export_script(get_template("lenet-mnist"))
    start = script.index(f"{EMBED_NAME} = (")
    broken = (
        script[:start] + f'{EMBED_NAME} = "{{not json"\n' + script[script.index("\n)", start) + 2 :]
    )
    imported = import_project(broken, "broken.py")
    assert not imported.restored
    assert any("could not be read" in str(note) for note in imported.notes)
    assert imported.project.dataset.name == "mnist-sample"


@pytest.mark.parametrize(
    ("shape", "dataset"),
    [((1, 28, 28), "mnist-sample"), ((784,), "mnist-sample"), ((3, 32, 32), "cifar10"),
     ((3, 64, 64), "cifar10"), ((3072,), "cifar10"), ((1, 32, 32), "mnist-sample")],
)  # fmt: skip
def test_code_without_a_project_gets_a_dataset_that_fits(shape, dataset) -> None:
    assert guess_dataset(shape) == dataset


def test_pasted_code_has_the_same_size_limit_as_a_file() -> None:
    huge = "# " + "x" * MAX_SOURCE_BYTES
    with pytest.raises(CodeImportError, match="too large"):
        import_project(huge, "<pasted code>")
