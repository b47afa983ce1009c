"""torchvision sets from small fake files in their real on-disk formats; nothing is downloaded."""

from __future__ import annotations

import gzip
import hashlib
import pickle
import struct
import tarfile
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch
import torchvision.datasets as tvd

from studio.core.data import describe_dataset, load_dataset
from studio.core.errors import DatasetError
from studio.core.project import DatasetConfig

MNIST_TRAIN, MNIST_TEST = 30, 10
CIFAR_PER_BATCH = 4
CIFAR_NAMES = ["plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the internet fails at once, as it would offline."""

    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


# --- IDX (MNIST, Fashion-MNIST) -------------------------------------------------------------


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """An IDX file: magic (0x0000 08 ndim), big-endian dims, raw unsigned bytes."""
    magic = (0x08 << 8 | array.ndim) if magic is None else magic
    head = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape)
    return head + array.astype(np.uint8).tobytes()


def write_mnist(root: Path, folder: str = "MNIST", *, gz: bool = False) -> dict[str, np.ndarray]:
    """Fake MNIST files under ``<root>/<folder>/raw``; returns the arrays written."""
    raw = root / folder / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(1)
    arrays = {
        "train-images-idx3-ubyte": rng.integers(0, 256, (MNIST_TRAIN, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte": np.arange(MNIST_TRAIN, dtype=np.uint8) % 10,
        "t10k-images-idx3-ubyte": rng.integers(0, 256, (MNIST_TEST, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte": np.arange(MNIST_TEST, dtype=np.uint8) % 10,
    }
    for name, array in arrays.items():
        data = idx_bytes(array)
        if gz:
            (raw / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (raw / name).write_bytes(data)
    return arrays


def test_mnist_reads_raw_idx_files(tmp_path: Path) -> None:
    arrays = write_mnist(tmp_path)
    data = load_dataset(DatasetConfig(name="mnist"), (1, 28, 28), download=False, root=tmp_path)
    assert data.classes == [str(d) for d in range(10)]
    assert data.train_images.shape == (MNIST_TRAIN, 1, 28, 28)
    assert data.val_images.shape == (MNIST_TEST, 1, 28, 28)
    assert data.train_images.dtype == torch.uint8
    assert torch.equal(data.train_images[:, 0], torch.from_numpy(arrays["train-images-idx3-ubyte"]))
    assert data.val_labels.tolist() == arrays["t10k-labels-idx1-ubyte"].tolist()
    assert data.train_labels.dtype == torch.int64
    expected_mean = arrays["train-images-idx3-ubyte"].mean() / 255
    assert data.mean[0] == pytest.approx(expected_mean, rel=1e-6)
    assert data.native_shape == (1, 28, 28)


def test_mnist_unpacks_gz_files_placed_by_hand(tmp_path: Path) -> None:
    arrays = write_mnist(tmp_path, gz=True)
    data = load_dataset(DatasetConfig(name="mnist"), (1, 32, 32), download=False, root=tmp_path)
    assert (tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte").is_file()
    assert data.train_images.shape == (MNIST_TRAIN, 1, 32, 32)
    inner = data.train_images[:, 0, 2:30, 2:30]
    assert torch.equal(inner, torch.from_numpy(arrays["train-images-idx3-ubyte"]))
    assert any("padded to 32×32" in note for note in data.notes)


def test_fashion_mnist_takes_class_names_from_torchvision(tmp_path: Path) -> None:
    write_mnist(tmp_path, "FashionMNIST")
    config = DatasetConfig(name="fashion-mnist", path=str(tmp_path))
    data = load_dataset(config, (784,), download=False)
    assert data.classes == list(tvd.FashionMNIST.classes)
    assert describe_dataset(config).classes == data.classes
    assert data.train_images.shape == (MNIST_TRAIN, 784)


def test_config_path_wins_over_root(tmp_path: Path) -> None:
    write_mnist(tmp_path / "chosen")
    config = DatasetConfig(name="mnist", path=str(tmp_path / "chosen"))
    data = load_dataset(config, (1, 28, 28), download=False, root=tmp_path / "elsewhere")
    assert len(data.train_images) == MNIST_TRAIN


def test_wrong_idx_magic_is_named(tmp_path: Path) -> None:
    write_mnist(tmp_path)
    bad = tmp_path / "MNIST" / "raw" / "t10k-images-idx3-ubyte"
    bad.write_bytes(idx_bytes(np.zeros((MNIST_TEST, 28, 28), np.uint8), magic=0x0801))
    with pytest.raises(DatasetError) as info:
        load_dataset(DatasetConfig(name="mnist"), (1, 28, 28), download=False, root=tmp_path)
    assert "t10k-images-idx3-ubyte" in info.value.message
    assert "magic number" in info.value.message
    assert str(bad.parent) in info.value.message


def test_truncated_idx_is_named_even_with_download_on(tmp_path: Path) -> None:
    write_mnist(tmp_path)
    path = tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(DatasetError) as info:
        load_dataset(DatasetConfig(name="mnist"), (1, 28, 28), download=True, root=tmp_path)
    assert "train-images-idx3-ubyte" in info.value.message
    assert "truncated" in info.value.message


def test_damaged_gz_is_named_and_leaves_no_half_file(tmp_path: Path) -> None:
    write_mnist(tmp_path, gz=True)
    raw = tmp_path / "MNIST" / "raw"
    gz = raw / "train-labels-idx1-ubyte.gz"
    gz.write_bytes(gz.read_bytes()[:15])
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte\.gz"):
        load_dataset(DatasetConfig(name="mnist"), (1, 28, 28), download=False, root=tmp_path)
    assert not (raw / "train-labels-idx1-ubyte").exists()
    assert not list(raw.glob("*.part"))


def test_image_and_label_counts_must_agree(tmp_path: Path) -> None:
    write_mnist(tmp_path)
    labels = tmp_path / "MNIST" / "raw" / "train-labels-idx1-ubyte"
    labels.write_bytes(idx_bytes(np.zeros(MNIST_TRAIN - 1, np.uint8)))
    with pytest.raises(DatasetError, match="29 labels"):
        load_dataset(DatasetConfig(name="mnist"), (1, 28, 28), download=False, root=tmp_path)


def test_missing_mnist_without_download_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as info:
        load_dataset(DatasetConfig(name="mnist"), (1, 28, 28), download=False, root=tmp_path)
    message = info.value.message
    assert str(tmp_path / "MNIST" / "raw") in message
    assert "downloading is turned off" in message
    assert "train-images-idx3-ubyte.gz" in message
    assert "\n" not in message


def test_failed_mnist_download_names_the_reason_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as info:
        load_dataset(DatasetConfig(name="mnist"), (1, 28, 28), download=True, root=tmp_path)
    message = info.value.message
    assert "could not be downloaded" in message
    assert "network disabled in tests" in message
    assert str(tmp_path / "MNIST" / "raw") in message
    assert isinstance(info.value.__cause__, Exception)  # the chain is kept for --debug


def test_missing_set_goes_to_the_user_cache_by_default(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(DatasetError) as info:
        load_dataset(DatasetConfig(name="fashion-mnist"), (1, 28, 28), download=False)
    expected = tmp_path / "cache" / "sequential-studio" / "datasets" / "FashionMNIST" / "raw"
    assert str(expected) in info.value.message


# --- CIFAR-10 pickled batches ---------------------------------------------------------------


def md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def write_cifar(root: Path) -> dict[str, np.ndarray]:
    """Fake ``cifar-10-batches-py``: five training batches, a test batch and the meta file."""
    folder = root / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(2)
    written = {}
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for n, name in enumerate(names):
        data = rng.integers(0, 256, (CIFAR_PER_BATCH, 3072), dtype=np.uint8)
        labels = [(n + i) % 10 for i in range(CIFAR_PER_BATCH)]
        with (folder / name).open("wb") as f:
            pickle.dump({"data": data, "labels": labels, "batch_label": name}, f)
        written[name] = data
    with (folder / "batches.meta").open("wb") as f:
        pickle.dump({"label_names": CIFAR_NAMES, "num_vis": 3072}, f)
    return written


@pytest.fixture
def cifar_checksums(monkeypatch: pytest.MonkeyPatch):
    """Point torchvision's expected md5s at our fake files, as pytorch/vision's tests patch checks.

    Unlike patching ``check_integrity`` to always pass, this keeps the real
    check running, so a damaged batch still fails it.
    """

    def apply(root: Path) -> None:
        folder = root / "cifar-10-batches-py"
        train = [[f"data_batch_{i}", md5(folder / f"data_batch_{i}")] for i in range(1, 6)]
        monkeypatch.setattr(tvd.CIFAR10, "train_list", train)
        monkeypatch.setattr(tvd.CIFAR10, "test_list", [["test_batch", md5(folder / "test_batch")]])
        meta = {"filename": "batches.meta", "key": "label_names"}
        monkeypatch.setattr(tvd.CIFAR10, "meta", {**meta, "md5": md5(folder / "batches.meta")})

    return apply


def test_cifar_reads_pickled_batches(tmp_path: Path, cifar_checksums) -> None:
    written = write_cifar(tmp_path)
    cifar_checksums(tmp_path)
    data = load_dataset(DatasetConfig(name="cifar10"), (3, 32, 32), download=False, root=tmp_path)
    assert data.classes == CIFAR_NAMES
    assert data.train_images.shape == (5 * CIFAR_PER_BATCH, 3, 32, 32)
    assert data.val_images.shape == (CIFAR_PER_BATCH, 3, 32, 32)
    # The batches store each image as 1024 red, 1024 green, then 1024 blue bytes.
    expected = torch.from_numpy(written["test_batch"].reshape(-1, 3, 32, 32))
    assert torch.equal(data.val_images, expected)
    assert data.val_labels.tolist() == [(5 + i) % 10 for i in range(CIFAR_PER_BATCH)]
    assert len(data.mean) == len(data.std) == 3


def test_cifar_to_grayscale_for_a_one_channel_network(tmp_path: Path, cifar_checksums) -> None:
    write_cifar(tmp_path)
    cifar_checksums(tmp_path)
    data = load_dataset(DatasetConfig(name="cifar10"), (1, 28, 28), download=False, root=tmp_path)
    assert data.train_images.shape == (5 * CIFAR_PER_BATCH, 1, 28, 28)
    assert any("grayscale" in note for note in data.notes)
    assert any("resized to 28×28" in note for note in data.notes)
    assert len(data.mean) == 1


def test_cifar_batch_failing_its_checksum_is_named(tmp_path: Path, cifar_checksums) -> None:
    write_cifar(tmp_path)
    cifar_checksums(tmp_path)
    damaged = tmp_path / "cifar-10-batches-py" / "data_batch_3"
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"\x00")
    with pytest.raises(DatasetError) as info:
        load_dataset(DatasetConfig(name="cifar10"), (3, 32, 32), download=False, root=tmp_path)
    assert "data_batch_3" in info.value.message
    assert "checksum" in info.value.message


def test_cifar_archive_placed_by_hand_is_unpacked(tmp_path: Path, cifar_checksums) -> None:
    write_cifar(tmp_path / "staging")
    cifar_checksums(tmp_path / "staging")
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "staging" / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tvd.CIFAR10, "tgz_md5", md5(archive))
        data = load_dataset(
            DatasetConfig(name="cifar10"), (3, 32, 32), download=False, root=tmp_path
        )
    assert data.train_images.shape[0] == 5 * CIFAR_PER_BATCH


def test_failed_cifar_download_names_the_folder(tmp_path: Path) -> None:
    with pytest.raises(DatasetError) as info:
        load_dataset(DatasetConfig(name="cifar10"), (3, 32, 32), download=True, root=tmp_path)
    message = info.value.message
    assert "CIFAR-10 could not be downloaded" in message
    assert str(tmp_path) in message
    assert "cifar-10-python.tar.gz" in message


def test_missing_cifar_without_download(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="downloading is turned off"):
        load_dataset(DatasetConfig(name="cifar10"), (3, 32, 32), download=False, root=tmp_path)


def test_describe_needs_no_files() -> None:
    info = describe_dataset(DatasetConfig(name="cifar10"))
    assert info.native_shape == (3, 32, 32)
    assert info.num_classes == 10
    assert describe_dataset(DatasetConfig(name="mnist")).classes[3] == "3"
