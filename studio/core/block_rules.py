"""The rules block types share: output shapes, parameter counts and costs.

Each rule takes the input shape of one sample (no batch dimension) and the
block's parameters. They raise ``ArchitectureError`` with a plain sentence when
a block does not fit its input; the registry entries pick the rules they need.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from studio.core.errors import ArchitectureError

Shape = tuple[int, ...]
"""The shape of one sample, without the batch dimension: (C, H, W), (C, L) or (features,)."""

ShapeRule = Callable[[Shape, Mapping[str, Any]], Shape]
CountRule = Callable[[Shape, Mapping[str, Any]], int]
MacsRule = Callable[[Shape, Shape, Mapping[str, Any]], int]


def format_shape(shape: Shape) -> str:
    """Write a shape the way people read it: ``16×5×5``."""
    return "×".join(str(n) for n in shape)


# --- input ranks -------------------------------------------------------------------


def need_image(in_shape: Shape, block: str) -> None:
    """An image block (channels × height × width) given anything else."""
    if len(in_shape) == 1:
        raise ArchitectureError(
            "{block} needs an image-shaped input (channels × height × width), but gets a flat "
            "vector of {n} values. Move it before the Flatten, or remove it.",
            block=block,
            n=in_shape[0] if in_shape else 0,
        )
    if len(in_shape) != 3:
        raise ArchitectureError(
            "{block} needs an image-shaped input (channels × height × width), but gets a "
            "{shape} signal. Use a 1-D block instead, or remove it.",
            block=block,
            shape=format_shape(in_shape),
        )


def need_signal(in_shape: Shape, block: str) -> None:
    """A 1-D block (channels × length) given anything else."""
    if len(in_shape) != 2:
        raise ArchitectureError(
            "{block} needs a signal-shaped input (channels × length), but gets a {shape} "
            "tensor. Use a block for this shape instead, or remove it.",
            block=block,
            shape=format_shape(in_shape),
        )


def need_spatial(in_shape: Shape, block: str, dims: int) -> None:
    if dims == 2:
        need_image(in_shape, block)
    else:
        need_signal(in_shape, block)


# --- shape rules -------------------------------------------------------------------


def sliding(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _check_span(sides: Shape, span: int, padding: int) -> None:
    if all(span <= side + 2 * padding for side in sides):
        return
    hint = "Use a smaller kernel, add padding, or remove a pooling layer before it."
    if len(sides) == 2:
        raise ArchitectureError(
            "The {k}×{k} kernel is larger than its {h}×{w} input (with padding {p}). " + hint,
            k=span,
            h=sides[0],
            w=sides[1],
            p=padding,
        )
    raise ArchitectureError(
        "The kernel of length {k} is longer than its input of length {n} (with padding {p}). "
        + hint,
        k=span,
        n=sides[0],
        p=padding,
    )


def window_shape(block: str, dims: int, in_shape: Shape, p: Mapping[str, Any], out_c: int) -> Shape:
    """Output of a sliding window over ``dims`` spatial sides (convolution or pooling)."""
    need_spatial(in_shape, block, dims)
    kernel = int(p["kernel_size"])
    stride = int(p.get("stride") or kernel)
    padding = int(p.get("padding", 0))
    dilation = int(p.get("dilation", 1))
    _check_span(in_shape[1:], dilation * (kernel - 1) + 1, padding)
    sides = tuple(sliding(n, kernel, stride, padding, dilation) for n in in_shape[1:])
    return (out_c or in_shape[0], *sides)


def conv_shape(block: str, dims: int) -> ShapeRule:
    def rule(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
        return window_shape(block, dims, in_shape, p, int(p["out_channels"]))

    return rule


def pool_shape(block: str, dims: int) -> ShapeRule:
    def rule(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
        kernel = int(p["kernel_size"])
        if int(p.get("padding", 0)) * 2 > kernel:
            raise ArchitectureError(
                "{block} padding can be at most half the kernel size ({half}). Lower the padding.",
                block=block,
                half=kernel // 2,
            )
        return window_shape(block, dims, in_shape, p, 0)

    return rule


def transposed_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    """ConvTranspose2d: the inverse of a convolution's sliding window."""
    need_image(in_shape, "ConvTranspose2d")
    kernel, stride = int(p["kernel_size"]), int(p["stride"])
    padding, extra = int(p["padding"]), int(p["output_padding"])
    dilation = int(p["dilation"])
    if extra >= max(stride, dilation):
        raise ArchitectureError(
            "output_padding must be smaller than the stride or the dilation ({limit}). "
            "Lower output_padding.",
            limit=max(stride, dilation),
        )
    sides = tuple(
        (n - 1) * stride - 2 * padding + dilation * (kernel - 1) + extra + 1 for n in in_shape[1:]
    )
    return (int(p["out_channels"]), *sides)


def adaptive_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    need_image(in_shape, "AdaptiveAvgPool2d")
    size = int(p["output_size"])
    return (in_shape[0], size, size)


def upsample_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    """Upsample: every spatial side times ``scale_factor``, or set to ``size``."""
    if len(in_shape) < 2:
        raise ArchitectureError(
            "Upsample needs a signal (channels × length) or an image (channels × height × "
            "width), but gets a flat vector of {n} values. Move it before the Flatten.",
            n=in_shape[0] if in_shape else 0,
        )
    if p.get("mode") == "bilinear" and len(in_shape) != 3:
        raise ArchitectureError(
            "Bilinear upsampling needs an image (channels × height × width), but gets a {shape} "
            "signal. Use the nearest mode.",
            shape=format_shape(in_shape),
        )
    size, scale = p.get("size"), p.get("scale_factor")
    if (size is None) == (scale is None):
        raise ArchitectureError(
            "Upsample needs either a scale factor or a size, not both and not neither. "
            "Clear one of them."
        )
    if size is not None:
        return (in_shape[0], *(int(size) for _ in in_shape[1:]))
    return (in_shape[0], *(math.floor(n * float(scale)) for n in in_shape[1:]))


def same(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    return in_shape


def same_image(block: str) -> ShapeRule:
    def rule(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
        need_image(in_shape, block)
        return in_shape

    return rule


def batchnorm1d_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    if len(in_shape) not in (1, 2):
        raise ArchitectureError(
            "BatchNorm1d needs a flat vector or a signal (channels × length), but gets a "
            "{shape} tensor. Use BatchNorm2d here, or put a Flatten before it.",
            shape=format_shape(in_shape),
        )
    return in_shape


def flatten_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    return (math.prod(in_shape),)


def linear_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    if len(in_shape) != 1:
        raise ArchitectureError(
            "Linear needs a flat vector, but gets a {shape} tensor. Insert a Flatten before it.",
            shape=format_shape(in_shape),
        )
    return (int(p["out_features"]),)


# --- parameter counts --------------------------------------------------------------


def no_params(in_shape: Shape, p: Mapping[str, Any]) -> int:
    return 0


def _bias(p: Mapping[str, Any], n: int) -> int:
    return n if p.get("bias", True) else 0


def conv_params(dims: int) -> CountRule:
    """Conv1d/Conv2d/ConvTranspose2d: in × out × kernel^dims weights plus a bias per filter."""

    def rule(in_shape: Shape, p: Mapping[str, Any]) -> int:
        out = int(p["out_channels"])
        return in_shape[0] * out * int(p["kernel_size"]) ** dims + _bias(p, out)

    return rule


def linear_params(in_shape: Shape, p: Mapping[str, Any]) -> int:
    out = int(p["out_features"])
    return in_shape[0] * out + _bias(p, out)


def norm_params(in_shape: Shape, p: Mapping[str, Any]) -> int:
    return 2 * in_shape[0]


# --- costs -------------------------------------------------------------------------


def conv_macs(dims: int) -> MacsRule:
    def rule(in_shape: Shape, out_shape: Shape, p: Mapping[str, Any]) -> int:
        return math.prod(out_shape) * in_shape[0] * int(p["kernel_size"]) ** dims

    return rule


def transposed_macs(in_shape: Shape, out_shape: Shape, p: Mapping[str, Any]) -> int:
    return math.prod(in_shape) * out_shape[0] * int(p["kernel_size"]) ** 2


def linear_macs(in_shape: Shape, out_shape: Shape, p: Mapping[str, Any]) -> int:
    return in_shape[0] * out_shape[0]
