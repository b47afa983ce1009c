"""Fine-tuning: Backbone blocks, frozen layers, two stages and the frozen-feature cache.

Weights come from a stand-in checkpoint saved under torchvision's real file name in a
temporary TORCH_HOME, so the real loading code runs on local data; nothing downloads.
"""

from __future__ import annotations

import io
import json
import urllib.error
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision
from PIL import Image

from studio.cli import main as studio
from studio.commands.train import ProgressPrinter
from studio.core.architecture import Architecture
from studio.core.block import Block
from studio.core.errors import ArchitectureError
from studio.core.io.project_file import save_project
from studio.core.project import DatasetConfig, Project, TrainingConfig
from studio.core.shapes import analyse
from studio.core.training import feature_cache
from studio.core.training.events import EpochEnded, TrainingStarted, Unfrozen
from studio.core.training.trainer import Trainer
from tests.core.test_export_script import run_script, write

CHECKPOINT = "resnet18-f37072fd.pth"


@pytest.fixture(scope="session")
def stand_in_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A TORCH_HOME holding a randomly initialised resnet18 under its real file name."""
    home = tmp_path_factory.mktemp("torch_home")
    folder = home / "hub" / "checkpoints"
    folder.mkdir(parents=True)
    torch.manual_seed(123)
    torch.save(torchvision.models.resnet18().state_dict(), folder / CHECKPOINT)
    return home


@pytest.fixture
def torch_home(stand_in_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TORCH_HOME", str(stand_in_home))
    return stand_in_home


@pytest.fixture(autouse=True)
def _no_download(monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(*args, **kwargs):
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(torch.hub, "download_url_to_file", offline)


@pytest.fixture(scope="session")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three classes of small generated colour images."""
    root = tmp_path_factory.mktemp("pictures")
    rng = np.random.default_rng(5)
    for c, name in enumerate(("ants", "bees", "wasps")):
        (root / name).mkdir()
        for i in range(10):
            pixels = rng.integers(0, 256, (40, 40, 3), dtype=np.uint8) // (c + 1)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    return root


def project(pictures: Path, frozen: bool = True, flip: bool = False, **training) -> Project:
    backbone = Block.create("Backbone", model="resnet18", weights="DEFAULT")
    backbone.frozen = frozen
    arch = Architecture((3, 32, 32), [backbone, Block.create("Linear", out_features=3)])
    settings = {"epochs": 2, "batch_size": 8, "schedule": "none", "lr": 0.01, **training}
    return Project(
        arch,
        DatasetConfig("image-folder", path=str(pictures), augment_flip=flip),
        TrainingConfig(**settings),
    )


def stand_in(home: Path) -> dict[str, torch.Tensor]:
    return torch.load(home / "hub" / "checkpoints" / CHECKPOINT, weights_only=True)


def train(p: Project, **kwargs) -> tuple[Trainer, list]:
    seen: list = []
    trainer = Trainer(p, device="cpu", progress_interval=0, **kwargs)
    trainer.add_observer(seen.append)
    result = trainer.run()
    assert result.reason == "completed", result.error
    return trainer, seen


def test_backbone_shape_and_count_come_from_a_meta_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))  # no weights anywhere: none are read
    arch = Architecture((3, 64, 64), [Block.create("Backbone"), Block.create("Linear")])
    report = analyse(arch)
    reference = torchvision.models.resnet18()
    expected = sum(p.numel() for n, p in reference.named_parameters() if not n.startswith("fc."))
    assert report.ok and report.layers[0].output_shape == (512,)
    assert report.layers[0].params == expected
    assert report.layers[1].params == 512 * 10 + 10
    assert not any(tmp_path.rglob("*.pth"))
    gray = Architecture((1, 28, 28), [Block.create("Backbone")])
    assert "needs colour images (3 channels" in analyse(gray).errors[0].message
    tiny = Architecture((3, 8, 8), [Block.create("Backbone", model="vgg11")])
    assert "too small for its downsampling" in analyse(tiny).errors[0].message
    with pytest.raises(ArchitectureError, match="resnet18 has no IMAGENET1K_V2 weights"):
        Architecture((3, 64, 64), [Block.create("Backbone", weights="IMAGENET1K_V2")]).build()


@pytest.mark.parametrize("flip", [False, True], ids=["cached", "augmented"])
def test_frozen_backbone_is_bit_identical_and_the_head_learns(torch_home, pictures, flip):
    """Weights and BatchNorm running statistics stay exactly as loaded, feature-map probes
    after every batch included; the head changes."""
    p = project(pictures, flip=flip)
    torch.manual_seed(p.training.seed)
    initial_head = p.architecture.build()[1].weight.detach().clone()
    trainer, seen = train(p, feature_maps_interval=0.0)  # probes put modules in train mode
    weights = trainer.state_dict()
    loaded = stand_in(torch_home)
    backbone = {k[2:]: v for k, v in weights.items() if k.startswith("0.")}
    assert backbone and all(torch.equal(v, loaded[k]) for k, v in backbone.items())
    assert not torch.equal(weights["1.weight"], initial_head)
    notes = next(e for e in seen if isinstance(e, TrainingStarted)).notes
    cached = [n for n in notes if "cached" in n]
    assert ("run once per image" in cached[0]) != flip
    assert any("ImageNet" in n for n in notes)


def test_cached_and_uncached_runs_agree(torch_home, pictures, monkeypatch):
    cached, _ = train(project(pictures))
    monkeypatch.setattr(feature_cache, "CACHE_SHARE", 0.0)  # as if memory were too small
    plain, seen = train(project(pictures))
    notes = next(e for e in seen if isinstance(e, TrainingStarted)).notes
    assert any("not cached" in n and "memory" in n for n in notes)
    for a, b in zip(cached.history, plain.history, strict=True):
        assert a["train_loss"] == pytest.approx(b["train_loss"], rel=1e-4)
        assert a["val_accuracy"] == pytest.approx(b["val_accuracy"])


def test_last_stages_train_while_the_rest_stays(torch_home, pictures):
    p = project(pictures, epochs=1)
    p.architecture[0].params["train_last_stages"] = 1
    trainer, _ = train(p)
    weights, loaded = trainer.state_dict(), stand_in(torch_home)
    assert torch.equal(weights["0.layer3.0.conv1.weight"], loaded["layer3.0.conv1.weight"])
    assert torch.equal(weights["0.bn1.running_mean"], loaded["bn1.running_mean"])
    assert not torch.equal(weights["0.layer4.0.conv1.weight"], loaded["layer4.0.conv1.weight"])


def test_two_stage_unfreezes_at_the_right_epoch_and_rate(torch_home, pictures):
    p = project(pictures, epochs=3, head_epochs=1, unfreeze_stages=1, unfreeze_lr_factor=0.1)
    trainer, seen = train(p)
    kinds = [type(e).__name__ for e in seen if isinstance(e, (EpochEnded, Unfrozen))]
    assert kinds == ["EpochEnded", "Unfrozen", "EpochEnded", "EpochEnded"]
    event = next(e for e in seen if isinstance(e, Unfrozen))
    assert (event.epoch, event.stages) == (2, 1)
    assert event.lr == pytest.approx(0.001)
    assert (
        event.global_step == next(e for e in seen if isinstance(e, TrainingStarted)).steps_per_epoch
    )
    weights, loaded = trainer.state_dict(), stand_in(torch_home)
    assert torch.equal(weights["0.layer3.0.conv1.weight"], loaded["layer3.0.conv1.weight"])
    assert not torch.equal(weights["0.layer4.0.conv1.weight"], loaded["layer4.0.conv1.weight"])


def test_offline_without_the_file_names_file_and_folder(tmp_path, pictures, monkeypatch, capsys):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    folder = tmp_path / "torch" / "hub" / "checkpoints"
    expected = (
        f"{CHECKPOINT} is not in {folder}; connect to the internet once or copy the file there."
    )
    result = Trainer(project(pictures), device="cpu").run()
    assert result.reason == "failed" and result.error.message == expected
    save_project(tmp_path / "p.json", project(pictures))
    assert studio(["train", str(tmp_path / "p.json"), "--out", str(tmp_path / "m.pt")]) == 2
    assert expected in capsys.readouterr().err


def test_everything_frozen_is_refused(torch_home, pictures):
    p = project(pictures)
    p.architecture[1].frozen = True
    result = Trainer(p, device="cpu").run()
    assert result.reason == "failed" and "nothing would train" in result.error.message


def test_summary_counts_trainable_parameters(tmp_path, capsys):
    p = project(tmp_path)
    p.architecture[0].params["train_last_stages"] = 1
    save_project(tmp_path / "p.json", p)
    studio(["summary", "--json", str(tmp_path / "p.json")])
    data = json.loads(capsys.readouterr().out)
    layer4 = sum(q.numel() for q in torchvision.models.resnet18().layer4.parameters())
    assert list(data)[list(data).index("total_params") + 1] == "trainable_params"
    assert data["trainable_params"] == layer4 + 512 * 3 + 3
    assert data["total_params"] > data["trainable_params"]
    studio(["summary", str(tmp_path / "p.json")])
    assert f"(trainable: {data['trainable_params']:,})" in capsys.readouterr().out


@pytest.mark.parametrize("init", ["default", "kaiming"])
def test_exported_script_repeats_the_apps_two_stages(
    torch_home, pictures, tmp_path, monkeypatch, capsys, init
):
    """torchvision.models.resnet18(weights=...), the same frozen parts, the same switch."""
    p = project(pictures, head_epochs=1, unfreeze_stages=1, init=init, schedule="onecycle")
    trainer, _ = train(p)
    script = write(tmp_path, p)
    text = script.read_text()
    assert 'backbone("resnet18", "DEFAULT")' in text
    assert "getattr(torchvision.models, name)(weights=weights)" in text
    args = ["--epochs", "2", "--out", str(tmp_path / "w.pt")]
    epochs = run_script(script, args, monkeypatch, capsys)
    assert [e for e, _, _ in epochs] == [1, 2]
    for (_, loss, acc), entry in zip(epochs, trainer.history, strict=True):
        assert loss == pytest.approx(entry["train_loss"], abs=2e-4)
        assert acc == pytest.approx(100 * entry["val_accuracy"], abs=0.01)
    saved = torch.load(tmp_path / "w.pt", weights_only=True)
    assert set(saved) == set(trainer.state_dict())


def test_the_terminal_says_when_the_second_stage_starts():
    out = io.StringIO()
    ProgressPrinter(out=out, err=io.StringIO())(Unfrozen(3, 30, 0.001, 2))
    assert out.getvalue() == (
        "Epoch 3: unfroze the last 2 stages; they train at learning rate 0.001.\n"
    )
