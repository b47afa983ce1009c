"""Finding the input shape code was written for, when the code does not say.

Tutorial code rarely states its input size, but its layers often imply it:
``Linear(16 * 5 * 5, 120)`` after two 5×5 convolutions and two poolings fits
only 32×32 images. So try the common sizes and keep those that fit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from studio.core.architecture import Architecture, Block
from studio.core.codegen.layers import ParsedLayer, check_fixed
from studio.core.errors import CodeImportError
from studio.core.registry import REGISTRY, Shape, format_shape
from studio.core.shapes import analyse

SIZES = (28, 32, 64, 96, 128, 224, 227, 256, 299)
"""Image sides of the common datasets and model zoos."""

DATASET_SHAPES: dict[Shape, str] = {(1, 28, 28): "MNIST-sized", (3, 32, 32): "CIFAR-10-sized"}
BACKBONE_SHAPES: dict[Shape, str] = {(3, 224, 224): "what pretrained backbones expect"}
"""Shapes of the datasets the app trains on, preferred when several sizes fit."""


class InputShapeNeeded(CodeImportError):
    """Several input sizes fit: the caller must say which (the GUI can ask for it)."""

    def __init__(self, template: str, fits: Sequence[Shape], **args: object) -> None:
        super().__init__(template, **args)
        self.fits = tuple(fits)


@dataclass(frozen=True)
class Misfit:
    """Why a network does not fit an input shape: the layer index and a sentence."""

    index: int
    message: str


SIGNAL_LENGTHS = (16, 28, 32, 64, 100, 128, 256, 512, 784, 1000, 1024)
"""Signal lengths worth trying for 1-D networks (784 is an MNIST image as one row)."""

Hint = tuple[int, int]
"""(input rank, size the first layer states): ``(3, 3)`` for ``Conv2d(3, …)``."""


def candidates(hints: Iterable[Hint] = ()) -> list[Shape]:
    """Shapes worth trying: the datasets' first, then common sizes of each rank hinted."""
    found: list[Shape] = list(DATASET_SHAPES)
    hints = list(hints)
    for c in (1, 3, *(size for rank, size in hints if rank == 3)):
        found.extend((c, side, side) for side in SIZES)
    for c in {size for rank, size in hints if rank == 2}:
        found.extend((c, length) for length in SIGNAL_LENGTHS)
    found.extend((size,) for rank, size in hints if rank == 1)
    return list(dict.fromkeys(found))


def layer_hints(layers: Sequence[ParsedLayer]) -> list[Hint]:
    """What the first layer with an inferred size states (``Conv2d(3, …)``, ``Linear(784, …)``)."""
    for layer in layers:
        spec = REGISTRY[layer.type]
        if not spec.inferred:
            continue
        value = next(iter(layer.stated.values()), None)
        return [(rank, value) for rank in spec.ranks if value] if value else []
    return []


def misfit(shape: Shape, layers: Sequence[ParsedLayer]) -> Misfit | None:
    """The first layer that fails with this input, or ``None`` when every layer fits."""
    try:
        arch = Architecture(shape, [Block(layer.type, dict(layer.params)) for layer in layers])
    except Exception as error:  # the shape itself is out of range
        return Misfit(-1, str(error))
    report = analyse(arch)
    for index, (layer, info) in enumerate(zip(layers, report.layers, strict=True)):
        where = layer.call.where
        if info.output_shape is None or info.input_shape is None:
            problems = [d.message for d in report.diagnostics_at(index) if d.severity == "error"]
            return Misfit(index, where + (problems[0] if problems else "this layer does not fit."))
        expected = REGISTRY[layer.type].infer(info.input_shape)
        for name, stated in layer.stated.items():
            if stated != expected[name]:
                before = "the input" if index == 0 else "the layer before it"
                shape = info.input_shape
                out = format_shape(shape) if len(shape) > 1 else f"{shape[0]} values"
                return Misfit(
                    index,
                    f"{where}{name} is {stated}, but {before} gives {out}, so {name} would be "
                    f"{expected[name]}.",
                )
        problem = check_fixed(layer, info.input_shape)
        if problem:
            return Misfit(index, where + problem)
    return None


def choose(
    tried: Sequence[Shape],
    test: Callable[[Shape], Misfit | None],
    notes: list[str],
    hint: Shape | None = None,
    usual: dict[Shape, str] = DATASET_SHAPES,
) -> Shape:
    """Pick the one input shape that fits, or raise one sentence asking for ``--input-shape``."""
    if hint is not None and test(hint) is None:
        notes.append(f"Used the input shape {describe(hint)} written in the code's comment.")
        return hint
    fits: list[Shape] = []
    worst: tuple[Shape, Misfit] | None = None
    for shape in tried:
        problem = test(shape)
        if problem is None:
            fits.append(shape)
        elif worst is None or problem.index > worst[1].index:
            worst = (shape, problem)
    if not fits:
        detail = ""
        if worst is not None:
            detail = f" With input {describe(worst[0])}: {worst[1].message}"
        raise CodeImportError(
            "No common input size fits this network.{detail} Give the size with --input-shape "
            "C,H,W (or C,L for signals, N for flat input).",
            detail=detail,
        )
    images = [s for s in fits if len(s) > 1]
    if images and len(images) < len(fits):
        fits = images  # a Flatten in front says images come in; on a flat vector it does nothing
    if len(fits) == 1:
        notes.append(
            f"Inferred the input shape {describe(fits[0])}: it is the only common size "
            "that fits the layers."
        )
        return fits[0]
    known = [s for s in fits if s in usual]
    if len(known) == 1:
        others = ", ".join(describe(s) for s in fits if s != known[0])
        notes.append(
            f"Assumed the input shape {format_shape(known[0])} ({usual[known[0]]}); "
            f"the network also accepts other sizes ({_some(others)}), so give --input-shape "
            "if you meant another."
        )
        return known[0]
    listed = ", ".join(describe(s) for s in fits[:4]) + (", …" if len(fits) > 4 else "")
    raise InputShapeNeeded(
        "Several input sizes fit this network ({sizes}); say which one you mean with "
        "--input-shape, like --input-shape {example}.",
        fits,
        sizes=listed,
        example=",".join(str(n) for n in fits[0]),
    )


def describe(shape: Shape) -> str:
    """``1×28×28`` for an image, ``1×784`` for a signal, ``784 features`` for a flat input."""
    return format_shape(shape) if len(shape) != 1 else f"{shape[0]} features"


def _some(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: text.rfind(",", 0, limit)] + ", …"


def require_fit(shape: Shape, test: Callable[[Shape], Misfit | None]) -> None:
    """Raise the misfit of a shape the person gave, naming the layer and its line."""
    problem = test(shape)
    if problem is not None:
        raise CodeImportError(
            "The network does not fit the input shape {shape}. {detail}",
            shape=describe(shape),
            detail=problem.message,
        )
