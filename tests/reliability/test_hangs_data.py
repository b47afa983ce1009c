"""Hostile data folders: symlink loops, FIFOs, image and gzip bombs, old caches, many classes.

Each either loads the real images once, or ends in one sentence; none hangs,
reads a FIFO, decodes a 20000×20000 image or writes gigabytes.
"""

from __future__ import annotations

import gzip
import os
import struct
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from studio.core.data import describe_dataset, load_dataset
from studio.core.data.idx import MAX_IDX_BYTES
from studio.core.errors import DatasetError
from studio.core.project import DatasetConfig

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(os.name != "posix", reason="symlinks and FIFOs as on POSIX"),
]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def folder(root: Path, per_class: dict[str, int]) -> Path:
    """Class sub-folders of distinct small PNGs: a{i}.png values differ per class and index."""
    for c, (name, count) in enumerate(per_class.items()):
        (root / name).mkdir(parents=True, exist_ok=True)
        for i in range(count):
            Image.new("L", (6, 5), 10 * c + i).save(root / name / f"{i}.png")
    return root


def load(root: Path, val_fraction: float = 0.25):
    config = DatasetConfig(name="image-folder", path=str(root), val_fraction=val_fraction)
    return load_dataset(config, (1, 5, 6))


def all_pixels(data) -> list[int]:
    images = torch.cat([data.train_images, data.val_images])
    return sorted(int(v) for v in images[:, 0, 0, 0])


# --- symlink loops ---------------------------------------------------------------------


def test_a_self_link_does_not_duplicate_images(tmp_path: Path) -> None:
    root = folder(tmp_path / "data", {"a": 4, "b": 4})
    (root / "a" / "again").symlink_to(root / "a")

    data = load(root)

    assert len(data.train_labels) + len(data.val_labels) == 8
    assert all_pixels(data) == [0, 1, 2, 3, 10, 11, 12, 13]
    train = {int(v) for v in data.train_images[:, 0, 0, 0]}
    val = {int(v) for v in data.val_images[:, 0, 0, 0]}
    assert not train & val, "the same image is in both splits"


def test_two_self_links_do_not_hang(tmp_path: Path) -> None:
    root = folder(tmp_path / "data", {"a": 4, "b": 4})
    (root / "a" / "x").symlink_to(".")
    (root / "a" / "y").symlink_to(".")

    data = load(root)

    assert all_pixels(data) == [0, 1, 2, 3, 10, 11, 12, 13]


def test_a_link_up_to_the_root_does_not_move_images_between_classes(tmp_path: Path) -> None:
    root = folder(tmp_path / "data", {"a": 4, "b": 4})
    (root / "b" / "up").symlink_to("..")
    (root / "a" / "up").symlink_to("..")

    data = load(root)

    labels = torch.cat([data.train_labels, data.val_labels]).tolist()
    assert sorted(labels) == [0, 0, 0, 0, 1, 1, 1, 1]
    for images, targets in (
        (data.train_images, data.train_labels),
        (data.val_images, data.val_labels),
    ):
        for value, label in zip(images[:, 0, 0, 0].tolist(), targets.tolist(), strict=True):
            assert value // 10 == label, "an image of one class was labelled as another"


def test_a_link_into_another_class_counts_its_images_once(tmp_path: Path) -> None:
    root = folder(tmp_path / "data", {"a": 4, "b": 4})
    (root / "a" / "theirs").symlink_to(root / "b")
    os.link(root / "b" / "0.png", root / "a" / "hard.png")  # the same file under two names

    data = load(root)

    assert all_pixels(data) == [0, 1, 2, 3, 10, 11, 12, 13]


# --- FIFOs and special files -------------------------------------------------------------


def test_a_fifo_named_like_an_image_is_skipped_not_opened(tmp_path: Path) -> None:
    root = folder(tmp_path / "data", {"a": 4, "b": 4})
    os.mkfifo(root / "a" / "blocks.png")  # opening it for reading would wait forever
    (root / "b" / "dangling.png").symlink_to(tmp_path / "nowhere.png")

    data = load(root)

    assert all_pixels(data) == [0, 1, 2, 3, 10, 11, 12, 13]
    assert any("2 files were skipped" in note for note in data.notes)
    assert describe_dataset(DatasetConfig(name="image-folder", path=str(root))).classes == [
        "a",
        "b",
    ]


# --- image bombs -------------------------------------------------------------------------


def png_of_zeros(path: Path, width: int, height: int, rows: int = 100) -> None:
    """A valid 8-bit grayscale PNG, built without holding its pixels: one compressed block
    of ``rows`` rows repeated (full flushes make the blocks independent)."""
    block = bytes((width + 1) * rows)
    comp = zlib.compressobj(9)
    first = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    again = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    end = comp.flush(zlib.Z_FINISH)[:-4]
    adler = 1
    for _ in range(height // rows):
        adler = zlib.adler32(block, adler)
    data = first + again * (height // rows - 1) + end + struct.pack(">I", adler)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def test_png_helper_makes_a_real_image(tmp_path: Path) -> None:
    png_of_zeros(tmp_path / "z.png", 300, 200)
    with Image.open(tmp_path / "z.png") as im:
        im.load()
        assert im.size == (300, 200) and im.getextrema() == (0, 0)


@pytest.mark.parametrize("side", [20_000, 9_500])  # far over, and just over the pixel limit
def test_a_huge_png_is_skipped_and_reported(tmp_path: Path, side: int, monkeypatch) -> None:
    root = folder(tmp_path / "data", {"a": 4, "b": 4})
    png_of_zeros(root / "a" / "0000-huge.png", side, side)  # first in name order
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)  # our limit holds without PIL's

    data = load(root)

    assert all_pixels(data) == [0, 1, 2, 3, 10, 11, 12, 13]
    note = " ".join(data.notes)
    assert "1 image was skipped" in note and "0000-huge.png" in note


# --- dataset cache -----------------------------------------------------------------------


def idx(array: np.ndarray) -> bytes:
    dims = b"".join(struct.pack(">I", d) for d in array.shape)
    head = struct.pack(">I", 0x0800 | array.ndim) + dims
    return head + array.astype(np.uint8).tobytes()


def mnist_raw(root: Path, n: int = 20) -> Path:
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, count in (("train", n), ("t10k", n // 2)):
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(idx(np.zeros((count, 28, 28))))
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(idx(np.arange(count) % 10))
    return raw


def load_mnist(root: Path):
    return load_dataset(DatasetConfig(name="mnist"), (1, 28, 28), download=False, root=root)


def test_a_gz_bomb_is_refused_from_its_header_without_unpacking(tmp_path: Path) -> None:
    raw = mnist_raw(tmp_path)
    (raw / "train-labels-idx1-ubyte").unlink()
    # A labels header that says 10 items, then 200 MB of zeros: 200 KB compressed.
    bomb = raw / "train-labels-idx1-ubyte.gz"
    with gzip.open(bomb, "wb", compresslevel=1) as out:
        out.write(struct.pack(">II", 0x0801, 10) + bytes(10))
        zeros = bytes(1 << 20)
        for _ in range(200):
            out.write(zeros)

    with pytest.raises(DatasetError, match="train-labels-idx1-ubyte"):
        load_mnist(tmp_path)

    assert sorted(p.name for p in raw.iterdir() if "labels" in p.name) == [
        "t10k-labels-idx1-ubyte",
        "train-labels-idx1-ubyte.gz",
    ], "no unpacked or half-written file is left"


def test_a_gz_whose_header_claims_gigabytes_is_refused(tmp_path: Path) -> None:
    raw = mnist_raw(tmp_path)
    (raw / "train-images-idx3-ubyte").unlink()
    with gzip.open(raw / "train-images-idx3-ubyte.gz", "wb") as out:
        out.write(struct.pack(">IIII", 0x0803, 100_000_000, 28, 28) + bytes(4096))

    with pytest.raises(DatasetError, match="claims"):
        load_mnist(tmp_path)

    assert MAX_IDX_BYTES < 100_000_000 * 28 * 28
    assert not [p for p in raw.iterdir() if p.name.startswith("train-images-idx3-ubyte")][1:]


@pytest.mark.parametrize(
    "payload",
    [
        {"not": "a pair"},
        (torch.zeros(3, 28, 28), torch.zeros(3, dtype=torch.int64)),  # float images
        (torch.zeros(3, 28, 28, dtype=torch.uint8), torch.zeros(4, dtype=torch.int64)),
    ],
    ids=["dict", "float-images", "count-mismatch"],
)
def test_unusable_legacy_processed_files_get_a_clear_message(tmp_path: Path, payload) -> None:
    mnist_raw(tmp_path)
    processed = tmp_path / "MNIST" / "processed"
    processed.mkdir()
    torch.save(payload, processed / "training.pt")
    torch.save(payload, processed / "test.pt")

    with pytest.raises(DatasetError, match="old torchvision cache") as caught:
        load_mnist(tmp_path)

    assert "could not be read" not in caught.value.message
    assert str(processed) in caught.value.message


def test_a_good_legacy_processed_cache_still_loads(tmp_path: Path) -> None:
    processed = tmp_path / "MNIST" / "processed"
    processed.mkdir(parents=True)
    images = torch.full((6, 28, 28), 7, dtype=torch.uint8)
    torch.save((images, torch.arange(6) % 10), processed / "training.pt")
    torch.save((images[:3], torch.arange(3)), processed / "test.pt")

    data = load_mnist(tmp_path)

    assert data.train_images.shape == (6, 1, 28, 28)
    assert data.val_labels.tolist() == [0, 1, 2]


def test_many_classes_with_few_images_names_the_real_cause(tmp_path: Path) -> None:
    root = tmp_path / "data"
    for c in range(300):
        (root / f"c{c:03d}").mkdir(parents=True)
        for i in range(2):
            Image.new("L", (6, 5), i).save(root / f"c{c:03d}" / f"{i}.png")

    with pytest.raises(DatasetError) as caught:
        load(root, val_fraction=0.2)

    message = caught.value.message
    assert "300 classes" in message and "largest class has 2" in message
    assert "fewer classes" in message
