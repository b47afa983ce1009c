"""``studio predict``: the top three classes, with probabilities, for each image."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.commands.common import is_model_path, load_model_with_project
from studio.core.errors import FileFormatError, StudioError

TOP = 3


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "predict",
        help="classify images with a trained model",
        description="Print the three most likely classes, with probabilities, for each image. "
        "Images are converted to the model's channels and size the way training adapted "
        "its data, and normalised with the model's own mean and std; each conversion is "
        "reported on stderr.",
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

    from studio.core.inference import TrainedModel

    if Path(args.model).is_file() and not is_model_path(args.model):
        raise FileFormatError(
            "{name} is not a model file; train a project with 'studio train' first and give "
            "the .pt file it writes.",
            name=Path(args.model).name,
        )
    model_file = load_model_with_project(args.model, args.project)
    mean, std = _normalisation(model_file)
    trained = TrainedModel(model_file.project, model_file.state_dict, model_file.classes, mean, std)
    prepared = [trained.read_image(Path(p)) for p in args.images]
    probabilities = trained.probabilities(torch.stack([p.pixels for p in prepared]))
    for path, image, probs in zip(args.images, prepared, probabilities, strict=True):
        top = trained.top(probs, TOP)
        print(path)
        width = max(len(name) for name, _ in top)
        for name, value in top:
            print(f"  {name:<{width}}  {value:6.1%}")
        _say_conversion(path, image)
    return 0


def _say_conversion(path: str, image) -> None:
    """How the image was changed to fit the network, on stderr so stdout stays a table."""
    parts = [str(image.conversion)] if image.conversion is not None else []
    if image.inverted:
        parts.append("colours inverted to light on dark, like the training images")
    if parts:
        sys.stdout.flush()  # the note follows its image's rows on a terminal
        print(f"studio: {path}: {'; '.join(parts)}", file=sys.stderr)


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
