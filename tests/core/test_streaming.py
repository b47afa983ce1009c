"""Image folders streamed from disk: the mode choice on its numbers, the same pixels and
batches as preloading, the same first epoch, and images decoded on demand for the views."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

import studio.core.data.image_folder as image_folder
from studio.core.architecture import Architecture, Block
from studio.core.data import load_dataset
from studio.core.data.batches import BatchLoader
from studio.core.data.streaming import StreamedImages, is_streamed
from studio.core.data.streaming_choice import (
    available_memory,
    choose_loading,
    decoded_bytes,
    format_bytes,
)
from studio.core.data.streaming_loader import StreamLoader
from studio.core.project import DatasetConfig, Project, TrainingConfig
from studio.core.training.events import TrainingStarted
from studio.core.training.trainer import Trainer

GB = 10**9


def photo_folder(root: Path, per_class: int = 9, size=(16, 12)) -> Path:
    """Three classes of noisy colour images: JPEGs and PNGs, some needing a resize."""
    rng = np.random.default_rng(5)
    for c, name in enumerate(("ants", "bees", "wasps")):
        (root / name / "more").mkdir(parents=True)
        for i in range(per_class):
            pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8) // (c + 1)
            image = Image.fromarray(pixels)
            where = root / name / ("more" if i % 4 == 0 else "")
            if i % 3 == 0:
                image.save(where / f"{i}.jpg", quality=90)
            elif i % 3 == 1:
                image.save(where / f"{i}.png")
            else:  # larger, so both modes resize it
                image.resize((size[0] * 2 + 3, size[1] * 2)).save(where / f"{i}.png")
        (root / name / "readme.txt").write_text("not an image")
    return root


def config(root: Path, loading: str) -> DatasetConfig:
    return DatasetConfig("image-folder", path=str(root), val_fraction=0.25, loading=loading)


def project(root: Path, loading: str, **training) -> Project:
    blocks = [
        Block.create("Conv2d", out_channels=4, kernel_size=3, padding=1),
        Block.create("ReLU"),
        Block.create("Dropout", p=0.2),  # the model's RNG must not move when streaming
        Block.create("Flatten"),
        Block.create("Linear", out_features=3),
    ]
    settings = {"batch_size": 5, "epochs": 1, "lr": 0.01, "device": "cpu", **training}
    return Project(
        Architecture((3, 12, 16), blocks), config(root, loading), TrainingConfig(**settings)
    )


# --- the mode choice --------------------------------------------------------------------


def test_twenty_thousand_photos_stream_when_little_memory_is_free() -> None:
    choice = choose_loading("auto", 20_000, (3, 224, 224), int(1.2 * GB))
    assert choice.stream and not choice.forced
    assert choice.needed == 20_000 * 3 * 224 * 224 == decoded_bytes(20_000, (3, 224, 224))
    assert choice.note() == (
        "Streaming from disk: 20,000 images need 3.0 GB decoded, 1.2 GB is free."
    )


def test_preloads_when_the_images_fit_in_half_the_free_memory() -> None:
    needed = decoded_bytes(2_000, (3, 224, 224))  # 301 MB
    assert choose_loading("auto", 2_000, (3, 224, 224), 2 * needed).mode == "preload"
    assert choose_loading("auto", 2_000, (3, 224, 224), 2 * needed - 1).mode == "stream"
    fits = choose_loading("auto", 2_000, (3, 224, 224), 12 * GB)
    assert fits.note() == "Preloading into memory: 2,000 images need 301 MB decoded, 12 GB is free."


def test_the_setting_forces_either_mode_and_unknown_memory_preloads() -> None:
    forced = choose_loading("stream", 10, (1, 28, 28), 64 * GB)
    assert forced.stream and forced.forced
    assert forced.note().startswith("Streaming from disk, as the project's loading setting asks")
    assert choose_loading("preload", 10**6, (3, 224, 224), GB).mode == "preload"
    assert choose_loading("auto", 10**6, (3, 224, 224), None).mode == "preload"
    assert format_bytes(999) == "999 bytes" and format_bytes(12_345) == "12 KB"


def test_available_memory_reads_meminfo(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:  16000000 kB\nMemAvailable:    1200000 kB\n")
    assert available_memory(meminfo) == 1_200_000 * 1024
    assert available_memory() is None or available_memory() > 0


# --- streaming gives preloading's data ------------------------------------------------------


def test_streamed_folder_decodes_the_preloaded_pixels(tmp_path: Path) -> None:
    root = photo_folder(tmp_path / "pics")
    preloaded = load_dataset(config(root, "preload"), (3, 12, 16))
    streamed = load_dataset(config(root, "stream"), (3, 12, 16))
    assert is_streamed(streamed.train_images) and not is_streamed(preloaded.train_images)
    assert streamed.train_images.shape == preloaded.train_images.shape
    assert torch.equal(streamed.train_images[:], preloaded.train_images)
    assert torch.equal(streamed.val_images[:], preloaded.val_images)
    assert torch.equal(streamed.train_labels, preloaded.train_labels)
    assert streamed.mean == pytest.approx(preloaded.mean, abs=1e-12)
    assert streamed.std == pytest.approx(preloaded.std, abs=1e-12)
    assert streamed.notes == preloaded.notes  # resized and skipped counts, from headers
    assert streamed.loading.stream and preloaded.loading.mode == "preload"


def test_auto_streams_when_memory_is_short(tmp_path: Path, monkeypatch) -> None:
    root = photo_folder(tmp_path / "pics", per_class=4)
    monkeypatch.setattr(image_folder, "available_memory", lambda: 1000)  # 1 KB free
    data = load_dataset(config(root, "auto"), (3, 12, 16))
    assert is_streamed(data.train_images)
    assert data.loading.note() == (
        "Streaming from disk: 12 images need 6.9 KB decoded, 1.0 KB is free."
    )


def test_stream_loader_gives_the_batch_loaders_batches(tmp_path: Path) -> None:
    root = photo_folder(tmp_path / "pics")
    streamed = load_dataset(config(root, "stream"), (3, 12, 16))
    images = streamed.train_images[:]
    settings = {"shuffle": True, "mean": streamed.mean, "std": streamed.std}
    settings |= {"augment_crop": True, "augment_flip": True}
    preloaded = BatchLoader(
        images, streamed.train_labels, 4, generator=torch.Generator().manual_seed(3), **settings
    )
    loader = StreamLoader(
        streamed.train_images,
        streamed.train_labels,
        4,
        generator=torch.Generator().manual_seed(3),
        num_workers=1,
        **settings,
    )
    assert len(loader) == len(preloaded) and loader.num_samples == preloaded.num_samples
    for _epoch in range(2):
        pairs = list(zip(loader, preloaded, strict=True))
        for (x, y), (px, py) in pairs:
            assert torch.equal(y, py)
            assert torch.equal(x, px)


def test_streamed_first_epoch_equals_the_preloaded_one(tmp_path: Path, monkeypatch) -> None:
    """A small memory budget forces streaming; fixed seed, no augmentation: the same run."""
    root = photo_folder(tmp_path / "pics")
    preloaded = Trainer(project(root, "preload"), epochs=2).run()
    monkeypatch.setattr(image_folder, "available_memory", lambda: 4096)
    monkeypatch.setattr("studio.core.data.streaming_loader.default_workers", lambda: 0)
    streaming = Trainer(project(root, "auto"), epochs=2)
    events: list = []
    streaming.add_observer(events.append)
    streamed = streaming.run()
    assert preloaded.reason == streamed.reason == "completed", streamed.error
    assert is_streamed(streaming.data.train_images)
    started = next(e for e in events if isinstance(e, TrainingStarted))
    assert started.notes[0].startswith("Streaming from disk: 27 images need")
    for mine, theirs in zip(streamed.history, preloaded.history, strict=True):
        assert mine["train_loss"] == pytest.approx(theirs["train_loss"], abs=1e-6)
        assert mine["val_loss"] == pytest.approx(theirs["val_loss"], abs=1e-6)
        assert mine["val_accuracy"] == theirs["val_accuracy"]


def test_streamed_images_decode_on_demand(tmp_path: Path, monkeypatch) -> None:
    root = photo_folder(tmp_path / "pics", per_class=4)
    data = load_dataset(config(root, "stream"), (3, 12, 16))
    opened: list[Path] = []
    real = image_folder.Image.open
    monkeypatch.setattr(image_folder.Image, "open", lambda p, *a: opened.append(p) or real(p, *a))
    view = data.val_images.numpy()
    assert view.shape == (3, 3, 12, 16) and opened == []
    pixels = view[1]
    assert isinstance(pixels, np.ndarray) and pixels.shape == (3, 12, 16)
    assert opened == [data.val_images.files[1]]  # only that one file was read


def test_flat_input_streams_reshaped_images(tmp_path: Path) -> None:
    root = photo_folder(tmp_path / "pics", per_class=4, size=(8, 6))
    flat = (3 * 6 * 8,)
    preloaded = load_dataset(config(root, "preload"), flat)
    streamed = load_dataset(config(root, "stream"), flat)
    assert streamed.train_images.shape == preloaded.train_images.shape
    assert torch.equal(streamed.train_images[:], preloaded.train_images)
    assert streamed.notes == preloaded.notes


def test_a_damaged_file_streams_as_a_black_image(tmp_path: Path) -> None:
    root = photo_folder(tmp_path / "pics", per_class=4)
    data = load_dataset(config(root, "stream"), (3, 12, 16))
    victim = data.train_images.files[0]
    victim.write_bytes(victim.read_bytes()[:40])  # the header survives, the pixels do not
    images = StreamedImages([victim], (3, 12, 16))
    assert torch.equal(images[0], torch.zeros((3, 12, 16), dtype=torch.uint8))


# --- the exported script streams the same way ----------------------------------------------


def even_folder(root: Path, per_class: int = 8) -> Path:
    """JPEGs and PNGs already at the network's size, so the script's Resize changes nothing."""
    rng = np.random.default_rng(8)
    for c, name in enumerate(("ants", "bees", "wasps")):
        (root / name / "more").mkdir(parents=True)
        for i in range(per_class):
            pixels = rng.integers(0, 256, (12, 16, 3), dtype=np.uint8) // (c + 1)
            where = root / name / ("more" if i % 4 == 0 else "")
            Image.fromarray(pixels).save(where / f"{i}.{'jpg' if i % 2 else 'png'}")
    return root


@pytest.mark.parametrize("augment", [False, True], ids=["plain", "augmented"])
def test_streaming_script_uses_image_folder_and_repeats_the_app(
    augment: bool, tmp_path: Path, monkeypatch, capsys
) -> None:
    import subprocess

    from studio.core.codegen.script import export_script
    from tests.core.test_export_script import RUFF, run_script, write

    root = even_folder(tmp_path / "pics")
    streamed = project(root, "stream", epochs=2)
    streamed.dataset.augment_crop = streamed.dataset.augment_flip = augment
    text = export_script(streamed)
    assert "datasets.ImageFolder" in text and "DataLoader(" in text
    assert "transforms.Normalize(mean, std)" in text and "transforms.Resize(IMAGE_SIZE)" in text
    assert ("RandomHorizontalFlip" in text) == augment
    assert "DataLoader(" not in export_script(project(root, "preload"))  # tensors in memory
    script = write(tmp_path, streamed)
    lint = subprocess.run([str(RUFF), "check", "--no-cache", "--isolated", str(script)], text=True,
                          capture_output=True)  # fmt: skip
    assert lint.returncode == 0, lint.stdout
    monkeypatch.setattr("studio.core.data.streaming_loader.default_workers", lambda: 0)
    app = Trainer(streamed, epochs=2).run()
    assert app.reason == "completed", app.error
    args = ["--epochs", "2", "--out", str(tmp_path / "w.pt"), "--device", "cpu"]
    epochs = run_script(script, args, monkeypatch, capsys)
    assert [e for e, _loss, _acc in epochs] == [1, 2]
    if augment:
        return  # torchvision's random transforms draw their own numbers
    for (_epoch, loss, acc), entry in zip(epochs, app.history, strict=True):
        assert loss == pytest.approx(entry["train_loss"], abs=2e-4)
        assert acc == pytest.approx(100 * entry["val_accuracy"], abs=0.01)


# --- streaming feeds the frozen-feature cache --------------------------------------------


def test_streaming_feeds_the_feature_cache_once_per_image(tmp_path_factory, monkeypatch):
    """A frozen backbone on a streamed folder: features computed once per image, and the
    run equals the preloaded one."""
    import studio.core.data.streaming as streaming
    from tests.core import test_finetune as finetune

    home = finetune.stand_in_home.__wrapped__(tmp_path_factory)
    pictures = finetune.pictures.__wrapped__(tmp_path_factory)
    monkeypatch.setenv("TORCH_HOME", str(home))
    monkeypatch.setattr(torch.hub, "download_url_to_file", None)  # never downloads
    monkeypatch.setattr("studio.core.data.streaming_loader.default_workers", lambda: 0)
    preloaded, _ = finetune.train(finetune.project(pictures))
    decoded: list[Path] = []
    real = streaming.decode_tensor
    monkeypatch.setattr(
        streaming, "decode_tensor", lambda path, *shape: decoded.append(path) or real(path, *shape)
    )
    streamed_project = finetune.project(pictures)
    streamed_project.dataset.loading = "stream"
    streamed, seen = finetune.train(streamed_project)
    assert is_streamed(streamed.data.train_images)
    notes = next(e for e in seen if isinstance(e, TrainingStarted)).notes
    assert any("run once per image" in n for n in notes)
    images, train = 30, len(streamed.data.train_labels)
    assert len(decoded) == train + images  # the statistics, then one pass for the cache
    for a, b in zip(streamed.history, preloaded.history, strict=True):
        assert a["train_loss"] == pytest.approx(b["train_loss"], rel=1e-5)
        assert a["val_accuracy"] == b["val_accuracy"]
