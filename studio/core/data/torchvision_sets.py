"""MNIST, Fashion-MNIST and CIFAR-10 through ``torchvision.datasets``, read as whole arrays.

The training split trains and the official test split validates, as the
PyTorch tutorials do. Every failure (offline, missing, truncated or corrupt
files) becomes one DatasetError that names the folder to fill by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from studio.core.data.assemble import assemble
from studio.core.data.base import LoadedData
from studio.core.data.idx import check_idx_file, unpack_gz
from studio.core.data.mnist_legacy import check_legacy_files
from studio.core.errors import DatasetError

MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
CIFAR_FOLDER = "cifar-10-batches-py"
CIFAR_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR_CLASSES = [
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
]  # fmt: skip
FASHION_CLASSES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]  # fmt: skip


@dataclass(frozen=True)
class TorchvisionSet:
    """One torchvision dataset: what describe_dataset reports and where its files go."""

    name: str
    title: str
    class_name: str  # attribute of torchvision.datasets
    classes: tuple[str, ...]
    native_shape: tuple[int, int, int]

    @property
    def is_idx(self) -> bool:
        return self.class_name != "CIFAR10"

    def folder(self, root: Path) -> Path:
        """The folder a person fills by hand: ``<root>/MNIST/raw`` or ``<root>``."""
        return root / self.class_name / "raw" if self.is_idx else root

    def files_hint(self) -> str:
        if self.is_idx:
            return ", ".join(f"{f}.gz" for f in MNIST_FILES[:-1]) + f" and {MNIST_FILES[-1]}.gz"
        return f"{CIFAR_ARCHIVE} (or the {CIFAR_FOLDER} folder unpacked from it)"


SETS = {
    "mnist": TorchvisionSet(
        "mnist", "MNIST", "MNIST", tuple(str(d) for d in range(10)), (1, 28, 28)
    ),
    "fashion-mnist": TorchvisionSet(
        "fashion-mnist", "Fashion-MNIST", "FashionMNIST", tuple(FASHION_CLASSES), (1, 28, 28)
    ),
    "cifar10": TorchvisionSet("cifar10", "CIFAR-10", "CIFAR10", tuple(CIFAR_CLASSES), (3, 32, 32)),
}


def load_torchvision_set(
    spec: TorchvisionSet, root: Path, input_shape: tuple[int, ...], *, download: bool
) -> LoadedData:
    """Build both splits with ``download=download`` and read ``ds.data``/``ds.targets`` whole."""
    import torchvision.datasets as tvd  # deferred: importing torchvision takes a while

    cls = getattr(tvd, spec.class_name)
    _prepare_local_files(spec, root, cls)
    try:
        train = cls(str(root), train=True, download=download)
        val = cls(str(root), train=False, download=download)
    except DatasetError:
        raise
    except Exception as exc:  # torchvision raises RuntimeError, URLError, AssertionError, ...
        raise explain_failure(spec, root, cls, download=download, error=exc) from exc
    classes = [str(d) for d in range(10)] if spec.class_name == "MNIST" else list(train.classes)
    return assemble(
        name=spec.name,
        title=spec.title,
        classes=classes,
        train=_arrays(spec, root, train, "training", len(classes)),
        val=_arrays(spec, root, val, "test", len(classes)),
        input_shape=input_shape,
    )


def _prepare_local_files(spec: TorchvisionSet, root: Path, cls: Any) -> None:
    """Use files placed by hand: unpack ``.gz`` IDX files, check IDX headers, unpack CIFAR's tar."""
    folder = spec.folder(root)
    if spec.is_idx:
        check_legacy_files(root / spec.class_name / "processed")
        for name in MNIST_FILES:
            raw, gz = folder / name, folder / f"{name}.gz"
            if not raw.is_file() and gz.is_file():
                unpack_gz(gz, images="images" in name)
            if raw.is_file():
                check_idx_file(raw, images="images" in name)
        return
    archive = root / CIFAR_ARCHIVE
    if archive.is_file() and _missing_cifar_files(root, cls):
        from torchvision.datasets.utils import check_integrity, extract_archive

        if not check_integrity(str(archive), cls.tgz_md5):
            raise DatasetError(
                "{file} in {folder} failed its checksum; delete it so it can be downloaded "
                "again, or replace it by hand.",
                file=CIFAR_ARCHIVE,
                folder=str(root),
            )
        try:
            extract_archive(str(archive), str(root))
        except Exception as exc:
            raise DatasetError(
                "{file} in {folder} is damaged and cannot be unpacked; delete it so it can be "
                "downloaded again, or replace it by hand.",
                file=CIFAR_ARCHIVE,
                folder=str(root),
            ) from exc


def _cifar_names(cls: Any) -> list[str]:
    return [e[0] for e in (*cls.train_list, *cls.test_list)] + [cls.meta["filename"]]


def _missing_cifar_files(root: Path, cls: Any) -> list[str]:
    return [f for f in _cifar_names(cls) if not (root / CIFAR_FOLDER / f).is_file()]


def _bad_cifar_file(root: Path, cls: Any) -> str | None:
    """The first CIFAR batch that is missing or fails torchvision's md5 check, if any."""
    from torchvision.datasets.utils import check_integrity

    entries = [*cls.train_list, *cls.test_list, [cls.meta["filename"], cls.meta["md5"]]]
    for filename, md5 in entries:
        if not check_integrity(str(root / CIFAR_FOLDER / filename), md5):
            return filename
    return None


def explain_failure(
    spec: TorchvisionSet, root: Path, cls: Any, *, download: bool, error: BaseException
) -> DatasetError:
    """Turn whatever torchvision raised into one sentence naming the folder to fill by hand."""
    folder = spec.folder(root)
    if spec.is_idx:
        missing = [f for f in MNIST_FILES if not (folder / f).is_file()]
        damaged = None
    else:
        missing = _missing_cifar_files(root, cls)
        damaged = None if missing else _bad_cifar_file(root, cls)
    if damaged is not None:
        return DatasetError(
            "{file} in {folder} failed its checksum, so the {title} files are damaged; delete "
            "them so they can be downloaded again, or replace them by hand.",
            file=damaged,
            folder=str(root / CIFAR_FOLDER),
            title=spec.title,
        )
    if missing and download:
        return DatasetError(
            "{title} could not be downloaded ({reason}); check the internet connection, or "
            "place {files} in {folder} by hand.",
            title=spec.title,
            reason=short_reason(error),
            files=spec.files_hint(),
            folder=str(folder),
        )
    if missing:
        return DatasetError(
            "{title} is not in {folder} and downloading is turned off; turn downloading on, "
            "or place {files} there by hand.",
            title=spec.title,
            folder=str(folder),
            files=spec.files_hint(),
        )
    return DatasetError(
        "{title} could not be read from {folder} ({reason}); delete the files there so they "
        "can be downloaded again, or replace them by hand.",
        title=spec.title,
        folder=str(folder),
        reason=short_reason(error),
    )


def short_reason(error: BaseException, limit: int = 160) -> str:
    """The last non-empty line of an exception, trimmed: the part that says what went wrong."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = lines[-1].strip("<>") if lines else type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _arrays(
    spec: TorchvisionSet, root: Path, ds: Any, split: str, num_classes: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, C, H, W) uint8 images and int64 labels straight from ``ds.data``/``ds.targets``."""
    data = ds.data
    if isinstance(data, np.ndarray):  # CIFAR: (N, H, W, C) numpy
        images = torch.from_numpy(np.ascontiguousarray(data.transpose(0, 3, 1, 2)))
    else:  # MNIST: (N, H, W) tensor
        images = data.unsqueeze(1)
    labels = torch.as_tensor(ds.targets, dtype=torch.int64)
    if images.shape[0] != labels.shape[0]:
        raise DatasetError(
            "The {title} {split} files in {folder} hold {images} images but {labels} labels; "
            "delete them so they can be downloaded again, or replace them by hand.",
            title=spec.title,
            split=split,
            folder=str(spec.folder(root)),
            images=images.shape[0],
            labels=labels.shape[0],
        )
    if labels.numel() and (labels.min() < 0 or labels.max() >= num_classes):
        raise DatasetError(
            "The {title} {split} labels in {folder} are outside 0 to {top}; delete the files so "
            "they can be downloaded again, or replace them by hand.",
            title=spec.title,
            split=split,
            folder=str(spec.folder(root)),
            top=num_classes - 1,
        )
    return images.contiguous(), labels
