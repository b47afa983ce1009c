"""Old torchvision MNIST caches (``MNIST/processed/training.pt``, ``test.pt``), checked first.

When both files exist, torchvision reads them instead of the IDX files in ``raw/``,
so none of the IDX checks apply. They are read here the same way (``weights_only``),
with a size cap, and must hold what torchvision expects: a pair of uint8 images
``(N, H, W)`` and integer labels ``(N,)``. Anything else gets a sentence saying to
delete the folder, instead of whatever torchvision would fail with later.
"""

from __future__ import annotations

from pathlib import Path

from studio.core.errors import DatasetError

LEGACY_FILES = ("training.pt", "test.pt")
MAX_LEGACY_BYTES = 1 << 30
"""Far above the real training.pt (47 MB)."""


def check_legacy_files(folder: Path) -> None:
    """Refuse unusable ``processed/*.pt`` files that torchvision would read instead of raw/."""
    paths = [folder / name for name in LEGACY_FILES]
    if not all(path.is_file() for path in paths):
        return  # torchvision uses them only when both are files
    for path in paths:
        problem = _problem(path)
        if problem is not None:
            raise DatasetError(
                "{file} in {folder} is an old torchvision cache that cannot be used ({problem}); "
                "delete the folder {folder} so that the files in raw/ are read (or downloaded) "
                "instead.",
                file=path.name,
                folder=str(folder),
                problem=problem,
            )


def _problem(path: Path) -> str | None:
    import torch

    try:
        if path.stat().st_size > MAX_LEGACY_BYTES:
            return "it is far larger than MNIST"
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch.load raises many kinds for a damaged or unsafe file
        return f"it cannot be read: {type(error).__name__}"
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        return "it does not hold an (images, labels) pair"
    images, labels = data
    if not (isinstance(images, torch.Tensor) and isinstance(labels, torch.Tensor)):
        return "it does not hold tensors"
    if images.layout != torch.strided or labels.layout != torch.strided:
        return "it holds sparse tensors"
    if images.dtype != torch.uint8 or images.dim() != 3:
        return "its images are not N×H×W bytes"
    if labels.dim() != 1 or labels.dtype.is_floating_point or labels.dtype.is_complex:
        return "its labels are not whole numbers"
    if images.shape[0] != labels.shape[0]:
        return f"{images.shape[0]} images but {labels.shape[0]} labels"
    return None
