"""``studio predict``: the top three classes, with probabilities, for each image."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from studio.commands.common import is_model_path, load_model_with_project
from studio.core.errors import DatasetError, FileFormatError, StudioError

TOP = 3


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "predict",
        help="classify images with a trained model",
        description="Print the three most likely classes, with probabilities, for each image. "
        "Images are converted to the model's channels and size the way training adapted "
        "its data, and normalised with the model's own mean and std.",
    )
    parser.add_argument("model", metavar="MODEL.pt", help="a model file saved by studio train")
    parser.add_argument("images", metavar="IMAGE", nargs="+", help="image files (PNG, JPEG, …)")
    parser.add_argument(
        "--project",
        metavar="PROJECT.json",
        help="the project whose network a bare weights (state_dict) file belongs to",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import torch

    from studio.core.data.batches import normalise

    if Path(args.model).is_file() and not is_model_path(args.model):
        raise FileFormatError(
            "{name} is not a model file; train a project with 'studio train' first and give "
            "the .pt file it writes.",
            name=Path(args.model).name,
        )
    model_file = load_model_with_project(args.model, args.project)
    project = model_file.project
    input_shape = tuple(project.architecture.input_shape)
    model = model_file.build_model()
    mean, std = _normalisation(model_file)
    images = [read_image(Path(p), input_shape, project) for p in args.images]
    with torch.inference_mode():
        batch = normalise(torch.stack(images), mean, std)
        output = model(batch)
    if output.ndim != 2:
        raise FileFormatError(
            "The model gives outputs of shape {shape}, not one score per class, so it cannot "
            "classify images.",
            shape=list(output.shape[1:]),
        )
    probabilities = to_probabilities(output, project.architecture.blocks[-1].type)
    classes = _class_names(model_file.classes, project, output.shape[1])
    for path, probs in zip(args.images, probabilities, strict=True):
        values, indices = probs.topk(min(TOP, probs.numel()))
        print(path)
        width = max(len(classes[int(i)]) for i in indices)
        for value, index in zip(values.tolist(), indices.tolist(), strict=True):
            print(f"  {classes[index]:<{width}}  {value:6.1%}")
    return 0


def to_probabilities(output, last_block: str):
    """Softmax of raw scores; exp of LogSoftmax output; a Softmax output as it is."""
    if last_block == "Softmax":
        return output
    if last_block == "LogSoftmax":
        return output.exp()
    return output.softmax(dim=1)


def read_image(path: Path, input_shape: tuple[int, ...], project) -> object:
    """Read one image with PIL and fit it to ``input_shape`` as uint8, as its dataset did.

    Image-folder models get the folder loader's own ``decode`` (PIL convert and
    resize); the other datasets' models get ``adapt_images`` (pad or resize from the
    image's own size), as their training data did.
    """
    import torch
    from PIL import Image, UnidentifiedImageError
    from torchvision.transforms.v2 import functional as tvf

    from studio.core.data import image_folder
    from studio.core.data.adapt import adapt_images

    channels, target = _image_target(input_shape, project)
    try:
        if project.dataset.name == image_folder.NAME:
            array, _, _ = image_folder.decode(path, *target)
            tensor = torch.from_numpy(array.copy()).permute(2, 0, 1).unsqueeze(0)
        else:
            with Image.open(path) as image:
                picture = image.convert("RGB" if channels == 3 else "L")
            tensor = tvf.pil_to_tensor(picture).unsqueeze(0)
    except FileNotFoundError:
        raise DatasetError("There is no image at {path}.", path=str(path)) from None
    except IsADirectoryError:
        raise DatasetError("{path} is a folder, not an image.", path=str(path)) from None
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DatasetError(
            "Could not read {path} as an image; use a PNG, JPEG or another common format.",
            path=str(path),
        ) from None
    adapted, _ = adapt_images(tensor, target, path.name)
    return adapted.reshape(input_shape)


def _image_target(input_shape: tuple[int, ...], project) -> tuple[int, tuple[int, int, int]]:
    """Channels to convert to, and the (C, H, W) to adapt to before any flattening."""
    if len(input_shape) == 3:
        channels = input_shape[0]
        if channels not in (1, 3):
            raise DatasetError(
                "The model takes {channels}-channel input, so it cannot read images (they have "
                "1 or 3 channels).",
                channels=channels,
            )
        return channels, tuple(input_shape)  # type: ignore[return-value]
    features = input_shape[0]
    native = _dataset_native_shape(project)
    if native is not None and math.prod(native) == features:
        return native[0], native
    for channels in (1, 3):
        side = math.isqrt(features // channels)
        if channels * side * side == features:
            return channels, (channels, side, side)
    raise DatasetError(
        "The model takes {features} flat values, which is not a square image; it cannot "
        "classify images.",
        features=features,
    )


def _dataset_native_shape(project) -> tuple[int, int, int] | None:
    try:
        from studio.core.data import describe_dataset

        return tuple(describe_dataset(project.dataset).native_shape)  # type: ignore[return-value]
    except StudioError:
        return None


def _normalisation(model_file) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The model file's mean/std; a bare weights file gets them measured from its dataset."""
    if model_file.mean and model_file.std:
        return model_file.mean, model_file.std
    try:
        from studio.core.data import load_dataset

        data = load_dataset(
            model_file.project.dataset, model_file.project.architecture.input_shape, download=False
        )
    except StudioError:
        print(
            "studio: the weights file has no input normalisation and its dataset is not at hand, "
            "so the images are only scaled to 0..1; predictions may be off.",
            file=sys.stderr,
        )
        return (0.0,), (1.0,)
    return data.mean, data.std


def _class_names(classes: list[str], project, count: int) -> list[str]:
    if len(classes) == count:
        return list(classes)
    try:
        from studio.core.data import describe_dataset

        names = describe_dataset(project.dataset).classes
    except StudioError:
        names = []
    return list(names) if len(names) == count else [str(i) for i in range(count)]
