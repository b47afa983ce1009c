"""Fit decoded uint8 images to the network's input shape, once, at load time.

Each change appends one plain sentence to the notes so the person knows what
the network actually sees.
"""

from __future__ import annotations

import torch
from torch.nn import functional as nnf

from studio.core.errors import DatasetError

CHUNK = 1024
COLOUR_CHANNELS = (1, 3)


def check_input_shape(input_shape: tuple[int, ...], native_shape: tuple[int, int, int]) -> None:
    """Raise DatasetError if images of ``native_shape`` cannot be fed to ``input_shape``."""
    if len(input_shape) == 3:
        if input_shape[0] not in COLOUR_CHANNELS:
            raise DatasetError(
                "The network's input has {channels} channels, but images have 1 (grayscale) or "
                "3 (colour); set the input channels to 1 or 3.",
                channels=input_shape[0],
            )
        if min(input_shape[1:]) < 1:
            raise DatasetError(
                "The network's input size {height}×{width} is empty; give it at least 1×1 pixels.",
                height=input_shape[1],
                width=input_shape[2],
            )
        return
    if len(input_shape) == 1:
        c, h, w = native_shape
        if input_shape[0] != c * h * w:
            raise DatasetError(
                "The network takes {features} input values, but these images have {size} "
                "({c}×{h}×{w}); set the input size to {size}, or use a (channels, height, width) "
                "input with a Flatten block.",
                features=input_shape[0],
                size=c * h * w,
                c=c,
                h=h,
                w=w,
            )
        return
    if len(input_shape) == 2:
        c, h, w = native_shape
        if input_shape[0] * input_shape[1] != c * h * w:
            raise DatasetError(
                "The network takes signals of {channels}×{length} values, but these images have "
                "{size} ({c}×{h}×{w}); choose a channels×length of {size} values (like "
                "{c},{hw}), or use a (channels, height, width) input.",
                channels=input_shape[0],
                length=input_shape[1],
                size=c * h * w,
                c=c,
                h=h,
                w=w,
                hw=h * w,
            )
        return
    raise DatasetError(
        "The network's input shape {shape} does not fit images; use (channels, height, width), "
        "(channels, length) or a flat (features,) input.",
        shape=tuple(input_shape),
    )


def adapt_images(
    images: torch.Tensor, input_shape: tuple[int, ...], title: str
) -> tuple[torch.Tensor, list[str]]:
    """Return ``images`` (uint8, N×C×H×W) fitted to ``input_shape`` and the notes saying how.

    Channels: grayscale is repeated into RGB, RGB becomes grayscale by luminance.
    Size: a target larger by an even margin on both sides is reached by zero
    padding (MNIST 28→32 for LeNet-5, as in the paper); anything else is resized
    (bilinear, antialiased). A flat (F,) input gets the images flattened when F
    is C·H·W, and a (C, L) signal input gets them reshaped when C·L is C·H·W. The
    result stays uint8.
    """
    native = tuple(images.shape[1:])
    check_input_shape(input_shape, native)  # type: ignore[arg-type]
    notes: list[str] = []
    if images.shape[0] == 0:
        return torch.empty((0, *input_shape), dtype=torch.uint8), notes
    if len(input_shape) == 1:
        c, h, w = native
        notes.append(
            f"{title} images ({c}×{h}×{w}) were flattened into {input_shape[0]} values "
            "to fit the network's input."
        )
        return images.reshape(images.shape[0], -1), notes
    if len(input_shape) == 2:
        c, h, w = native
        notes.append(
            f"{title} images ({c}×{h}×{w}) were read as signals of {input_shape[0]}×"
            f"{input_shape[1]} values to fit the network's input."
        )
        return images.reshape(images.shape[0], *input_shape), notes

    channels, height, width = input_shape
    if channels < images.shape[1]:  # colour -> gray first: less to resize
        images = _chunked(images, _to_gray)
        notes.append(
            f"{title} images are in colour; they were converted to grayscale "
            "to fit the network's input."
        )
    h, w = images.shape[2:]
    if (h, w) != (height, width):
        dy, dx = height - h, width - w
        if dy >= 0 and dx >= 0 and dy % 2 == 0 and dx % 2 == 0:
            images = nnf.pad(images, (dx // 2, dx // 2, dy // 2, dy // 2))
            verb = "padded"
        else:
            images = _chunked(images, lambda x: _resize(x, height, width))
            verb = "resized"
        notes.append(
            f"{title} images are {h}×{w}; they were {verb} to {height}×{width} "
            "to fit the network's input."
        )
    if channels > images.shape[1]:
        images = images.repeat(1, channels, 1, 1)
        notes.append(
            f"{title} images are grayscale; they were repeated into {channels} colour channels "
            "to fit the network's input."
        )
    return images.contiguous(), notes


def _to_gray(images: torch.Tensor) -> torch.Tensor:
    # Deferred imports: torchvision costs about as much to import as torch itself.
    from torchvision.transforms.v2.functional import rgb_to_grayscale

    return rgb_to_grayscale(images)


def _resize(images: torch.Tensor, height: int, width: int) -> torch.Tensor:
    from torchvision.transforms.v2.functional import resize

    try:
        return resize(images, [height, width], antialias=True)
    except RuntimeError:
        # torch's uint8 antialiasing kernel fails an internal assert on some tiny
        # shapes (3×2×1 → 3×1×1 in torch 2.14); the float path gives the same result.
        if images.dtype != torch.uint8:
            raise
        out = resize(images.to(torch.float32), [height, width], antialias=True)
        return out.round_().clamp_(0, 255).to(torch.uint8)


def _chunked(images: torch.Tensor, fn, chunk: int = CHUNK) -> torch.Tensor:
    """Apply ``fn`` a chunk at a time, so float intermediates stay small."""
    if images.shape[0] <= chunk:
        return fn(images)
    return torch.cat([fn(images[i : i + chunk]) for i in range(0, images.shape[0], chunk)])
