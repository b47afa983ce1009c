"""A trained network, ready to classify: one object for ``studio predict`` and the window.

``TrainedModel`` keeps the architecture the weights were trained with (never the
document's current one, which the person may have edited since), the class names
and the input normalisation. It reads an image the way the training data was
read, says how it converted it ("64×64 colour → 1×28×28 grey"), and turns the
network's output into probabilities whatever its last block is.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from studio.core.errors import DatasetError, FileFormatError, Message, StudioError
from studio.core.io.model_file import ModelFile
from studio.core.project import Project

TOP = 3
LIGHT_BACKGROUND = 127
"""A border brighter than this (0..255) is a light background: paper, not a screen."""

COLOUR = Message("colour")
GREY = Message("grey")


@dataclass(frozen=True)
class PreparedImage:
    """An image as the network takes it, and how it was converted, if it was."""

    pixels: torch.Tensor
    """uint8, exactly the network's input shape."""
    conversion: Message | None = None
    """e.g. "64×64 colour → 1×28×28 grey"; None when the image already fitted."""
    inverted: bool = False
    """Dark strokes on a light background were inverted to match the training images."""


@dataclass(frozen=True)
class Prediction:
    probabilities: np.ndarray
    """One probability per class (K,), float64."""
    top: list[tuple[str, float]]
    """The most likely classes, best first, with their probabilities (0..1)."""


class TrainedModel:
    """Weights with the network, class names and normalisation they were trained with."""

    def __init__(
        self,
        project: Project,
        state_dict: dict[str, torch.Tensor],
        classes: Sequence[str] = (),
        mean: Sequence[float] = (),
        std: Sequence[float] = (),
    ) -> None:
        self.project = project.copy()
        self.input_shape = tuple(int(n) for n in self.project.architecture.input_shape)
        self.mean = tuple(float(m) for m in mean) or (0.0,)
        self.std = tuple(float(s) for s in std) or (1.0,)
        self.has_normalisation = bool(mean) and bool(std)
        self._state = state_dict
        self._saved_classes = list(classes)
        self._network: torch.nn.Module | None = None
        self._classes: list[str] | None = None

    @classmethod
    def from_model_file(cls, model_file: ModelFile) -> TrainedModel:
        return cls(
            model_file.project,
            model_file.state_dict,
            model_file.classes,
            model_file.mean,
            model_file.std,
        )

    # --- the network ------------------------------------------------------------------

    @property
    def network(self) -> torch.nn.Module:
        """The trained ``nn.Sequential`` in eval mode, built on first use."""
        if self._network is None:
            model = self.project.architecture.build()
            model.load_state_dict(self._state)
            self._network = model.eval()
        return self._network

    @property
    def last_block(self) -> str:
        blocks = self.project.architecture.blocks
        return blocks[-1].type if blocks else ""

    def normalise(self, images: torch.Tensor) -> torch.Tensor:
        from studio.core.data.batches import normalise

        return normalise(images, self.mean, self.std)

    def scores(self, images: np.ndarray | torch.Tensor) -> torch.Tensor:
        """The network's raw output for uint8 images (N, *input_shape)."""
        batch = torch.as_tensor(np.asarray(images) if not torch.is_tensor(images) else images)
        with torch.inference_mode():
            output = self.network(self.normalise(batch))
        if output.ndim != 2:
            raise FileFormatError(
                "The model gives outputs of shape {shape}, not one score per class, so it "
                "cannot classify images.",
                shape=list(output.shape[1:]),
            )
        return output

    def probabilities(self, images: np.ndarray | torch.Tensor) -> np.ndarray:
        """Class probabilities (N, K) as float64, for uint8 images (N, *input_shape)."""
        return to_probabilities(self.scores(images), self.last_block).double().numpy()

    def feature_maps(self, pixels: torch.Tensor) -> dict[int, np.ndarray]:
        """Every layer's output for one image (uint8, the input shape)."""
        from studio.core.training.probe import capture_feature_maps

        return capture_feature_maps(self.network, self.normalise(pixels[None]))

    # --- classes ----------------------------------------------------------------------

    @property
    def classes(self) -> list[str]:
        """One name per output: the saved names, else the dataset's, else numbers."""
        if self._classes is None:
            count = self._output_count()
            self._classes = class_names(self._saved_classes, self.project, count)
        return self._classes

    def _output_count(self) -> int:
        from studio.core.shapes import analyse

        shape = analyse(self.project.architecture).output_shape
        if shape is not None and len(shape) == 1:
            return int(shape[0])
        return len(self._saved_classes)

    def top(self, probabilities: np.ndarray, count: int = TOP) -> list[tuple[str, float]]:
        """The ``count`` most likely classes, best first (ties keep class order)."""
        order = np.argsort(-probabilities, kind="stable")[: min(count, len(probabilities))]
        names = self.classes
        return [(names[i] if i < len(names) else str(i), float(probabilities[i])) for i in order]

    # --- images -----------------------------------------------------------------------

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(C, H, W) an image is read at before any flattening."""
        return image_target(self.input_shape, self.project)

    @property
    def dark_background(self) -> bool:
        """Whether the training images were light strokes on dark (like MNIST)."""
        return self.has_normalisation and self.mean[0] < 0.5

    def read_image(self, path: str | Path) -> PreparedImage:
        """An image file read the way the training data was, fitted to the input shape."""
        from studio.core.data import image_folder

        path = Path(path)
        target = self.image_shape
        if self.project.dataset.name == image_folder.NAME:
            source = _read(lambda: _describe(path), path)
            array, _, _ = _read(lambda: image_folder.decode(path, *target), path)
            tensor = torch.from_numpy(array.copy()).permute(2, 0, 1)
            return self._fit(tensor, source, inverted=False)
        tensor, source = _read(lambda: _decode(path, target[0]), path)
        inverted = False
        if target[0] == 1 and self.dark_background and _border_mean(tensor) > LIGHT_BACKGROUND:
            tensor, inverted = 255 - tensor, True
        return self._fit(tensor, source, inverted)

    def fit(self, image: np.ndarray | torch.Tensor) -> torch.Tensor:
        """One uint8 (C, h, w) image fitted to the input shape as its dataset's images were."""
        from studio.core.data.adapt import adapt_images

        if isinstance(image, np.ndarray):
            image = torch.from_numpy(np.ascontiguousarray(image))
        adapted, _ = adapt_images(image[None], self.image_shape, "Your")
        return adapted.reshape(self.input_shape)

    def _fit(self, tensor: torch.Tensor, source: _Source, inverted: bool) -> PreparedImage:
        pixels = self.fit(tensor)
        c, h, w = self.image_shape
        changed = (source.width, source.height) != (w, h) or source.colour != (c == 3)
        conversion = None
        if changed or len(self.input_shape) != 3:
            conversion = Message(
                "{width}×{height} {source} → {shape} {target}",
                {
                    "width": source.width,
                    "height": source.height,
                    "source": COLOUR if source.colour else GREY,
                    "shape": "×".join(map(str, self.input_shape)),
                    "target": COLOUR if c == 3 else GREY,
                },
            )
        return PreparedImage(pixels, conversion, inverted)

    def predict(self, pixels: torch.Tensor, count: int = TOP) -> Prediction:
        """Probabilities and the top classes of one image already at the input shape."""
        probabilities = self.probabilities(pixels[None])[0]
        return Prediction(probabilities, self.top(probabilities, count))


# --- helpers --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    width: int
    height: int
    colour: bool


def to_probabilities(output: torch.Tensor, last_block: str) -> torch.Tensor:
    """Softmax of raw scores; exp of LogSoftmax output; a Softmax output as it is."""
    if last_block == "Softmax":
        return output
    if last_block == "LogSoftmax":
        return output.exp()
    return output.softmax(dim=1)


def _source_of(image: Any) -> _Source:
    return _Source(image.width, image.height, len(image.getbands()) >= 3)


def _describe(path: Path) -> _Source:
    """The image's own size and whether it is in colour, from its header."""
    from PIL import Image

    with Image.open(path) as image:
        return _source_of(image)


def _decode(path: Path, channels: int) -> tuple[torch.Tensor, _Source]:
    from PIL import Image
    from torchvision.transforms.v2 import functional as tvf

    with Image.open(path) as image:
        source = _source_of(image)
        picture = image.convert("RGB" if channels == 3 else "L")
    return tvf.pil_to_tensor(picture), source


def _read(decode: Any, path: Path) -> Any:
    """Run ``decode``, turning every way a file can fail to be an image into one sentence."""
    from PIL import Image, UnidentifiedImageError

    try:
        if path.exists() and not path.is_dir() and not path.is_file():
            raise DatasetError(
                "{path} is not a regular file (it is a device, pipe or socket), so it is not "
                "an image.",
                path=str(path),
            )
        return decode()
    except FileNotFoundError:
        raise DatasetError("There is no image at {path}.", path=str(path)) from None
    except IsADirectoryError:
        raise DatasetError("{path} is a folder, not an image.", path=str(path)) from None
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DatasetError(
            "Could not read {path} as an image; use a PNG, JPEG or another common format.",
            path=str(path),
        ) from None


def _border_mean(image: torch.Tensor) -> float:
    gray = image[0]
    border = torch.cat([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    return float(border.float().mean())


def image_target(input_shape: tuple[int, ...], project: Project) -> tuple[int, int, int]:
    """The (C, H, W) to read images at: the input's own, or the flat input's image size."""
    if project.dataset.name == "csv":
        raise DatasetError(
            "This model learned from a CSV table, so it takes table rows, not images; "
            "predicting from images works only for models trained on images."
        )
    if len(input_shape) == 3:
        channels = input_shape[0]
        if channels not in (1, 3):
            raise DatasetError(
                "The model takes {channels}-channel input, so it cannot read images (they "
                "have 1 or 3 channels).",
                channels=channels,
            )
        return tuple(input_shape)  # type: ignore[return-value]
    features = math.prod(input_shape)  # a flat vector or a (C, L) signal: a reshaped image
    native = _dataset_native_shape(project)
    if native is not None and math.prod(native) == features:
        return native
    for channels in (1, 3):
        side = math.isqrt(features // channels)
        if channels * side * side == features:
            return channels, side, side
    raise DatasetError(
        "The model takes {features} flat values, which is not a square image; it cannot "
        "classify images.",
        features=features,
    )


def _dataset_native_shape(project: Project) -> tuple[int, int, int] | None:
    try:
        from studio.core.data import describe_dataset

        return tuple(describe_dataset(project.dataset).native_shape)  # type: ignore[return-value]
    except StudioError:
        return None


def class_names(saved: list[str], project: Project, count: int) -> list[str]:
    """The saved names if there is one per output, else the dataset's, else numbers."""
    if count and len(saved) == count:
        return list(saved)
    try:
        from studio.core.data import describe_dataset

        names = list(describe_dataset(project.dataset).classes)
    except StudioError:
        names = []
    if count and len(names) == count:
        return names
    return [str(i) for i in range(count)] if count else list(saved)
