"""Issue #15 (window): the fine-tuning template, its frozen Backbone card, and the dialog when
its pretrained weights are neither cached nor downloadable. Nothing is ever downloaded."""

from __future__ import annotations

import urllib.error
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QListView, QPushButton, QToolButton

from studio.core.shapes import analyse
from studio.core.templates import TEMPLATES, get_template, template_size

NAME = "finetune-resnet18"


@pytest.fixture
def offline_torch_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty torch cache, and a download that fails as it does offline."""
    import torch.hub

    home = tmp_path / "torch"
    monkeypatch.setenv("TORCH_HOME", str(home))

    def offline(url: str, *args, **kwargs) -> None:
        raise urllib.error.URLError(f"offline in tests: {url}")

    monkeypatch.setattr(torch.hub, "download_url_to_file", offline)
    return home


def image_folder(root: Path) -> Path:
    rng = np.random.default_rng(5)
    for name in ("cats", "dogs", "owls"):
        (root / name).mkdir(parents=True)
        for i in range(4):
            pixels = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    return root


def test_template_builds_and_validates_without_weights(offline_torch_home):
    project = get_template(NAME)
    arch = project.architecture
    assert arch.input_shape == (3, 224, 224)
    assert [b.type for b in arch] == ["Backbone", "Linear"]
    backbone = arch[0]
    assert backbone.params["model"] == "resnet18" and backbone.params["weights"] == "DEFAULT"
    assert backbone.frozen and not arch[1].frozen
    assert project.dataset.name == "image-folder"
    report = analyse(arch, project.training.loss, 3)  # meta device: no weights read
    assert report.layers[0].output_shape == (512,)
    assert [d.fix.text for d in report.errors] == ["Set out_features to 3"]  # the head's fix
    assert template_size(NAME) == (arch.input_shape, analyse(arch).total_params)
    assert "45 MB" in TEMPLATES[NAME].description and "once" in TEMPLATES[NAME].description
    assert not offline_torch_home.exists()  # nothing was downloaded or cached


def test_new_from_template_shows_the_frozen_backbone_card(window, qtbot, offline_torch_home):
    action = window.findChild(QAction, f"newTemplate_{NAME}")
    assert action is not None and "Fine-tune ResNet-18" in action.text()
    action.trigger()
    assert [b.type for b in window.document.architecture] == ["Backbone", "Linear"]
    view = window.findChild(QListView, "layerStack")
    qtbot.waitUntil(lambda: len(view.findChildren(QToolButton, "freezeToggle")) >= 2)
    model = view.model()
    from studio.gui.models.architecture_model import FrozenNoteRole, SummaryRole, TrainableRole

    assert "resnet18" in model.index(0).data(SummaryRole)
    assert model.index(0).data(FrozenNoteRole) == "frozen"
    assert model.index(0).data(TrainableRole) == 0 and model.index(1).data(TrainableRole) == 5130
    assert "5,130 of 11,181,642 parameters train" in window.shape_summary.label.text()
    qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(model.index(0)).center()
    )
    window.document.set_param(0, "train_last_stages", 1)  # resnet18's layer4 trains
    assert model.index(0).data(FrozenNoteRole) == "frozen, last stage trains"
    assert model.index(0).data(TrainableRole) == 8_393_728
    assert view.toggle_at(0).isChecked() and not view.toggle_at(1).isChecked()


def test_training_offline_without_the_weights_file_shows_the_exact_message(
    window, qtbot, tmp_path, offline_torch_home, message_boxes
):
    project = get_template(NAME)
    project.dataset.path = str(image_folder(tmp_path / "pictures"))
    project.architecture[1].params["out_features"] = 3
    project.training.epochs = 1
    window.document.replace_project(project, None)
    with qtbot.waitSignal(window.session.controller.finished, timeout=60_000):
        qtbot.mouseClick(window.findChild(QPushButton, "trainButton"), Qt.MouseButton.LeftButton)
    folder = offline_torch_home / "hub" / "checkpoints"
    expected = (
        f"resnet18-f37072fd.pth is not in {folder}; connect to the internet once or copy the "
        "file there."
    )
    assert ("warning", expected) in message_boxes
    assert not any(folder.glob("*.pth"))
