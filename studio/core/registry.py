"""The one registry of block types.

Every block type is one ``BlockSpec`` entry: its torch class, its parameters with
ranges and help, which parameters are inferred from the layer before, its shape
rule and its cost. The editors, validation, code export and code import all read
this table, so adding a block type is adding one entry here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from studio.core.errors import ArchitectureError, Message

Shape = tuple[int, ...]
"""The shape of one sample, without the batch dimension: (C, H, W) or (features,)."""

ParamKind = Literal["int", "float", "bool"]


class _Required:
    """Marks a torch argument that has no default (it must be written in code)."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()


@dataclass(frozen=True)
class ParamSpec:
    """One editable parameter of a block.

    ``default`` is what a new block gets in the editor; ``torch_default`` is the
    value torch uses when the argument is omitted (``REQUIRED`` if it has none), so
    exported code can leave out arguments that equal it.
    """

    name: str
    kind: ParamKind
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    torch_default: Any = REQUIRED
    nullable: bool = False
    null_label: str = ""

    def check(self, value: Any) -> str | None:
        """Return a plain sentence if ``value`` is not allowed, else ``None``."""
        problem = self.problem(value)
        return None if problem is None else str(problem)

    def problem(self, value: Any) -> Message | None:
        """What is wrong with ``value``, as a translatable message, or ``None``."""
        name = self.name
        if value is None:
            return None if self.nullable else Message("{name} needs a value.", {"name": name})
        if self.kind == "bool":
            if isinstance(value, bool):
                return None
            return Message("{name} must be true or false.", {"name": name})
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return Message(
                "{name} must be a number, not {value}.", {"name": name, "value": _shown(value)}
            )
        if isinstance(value, int) and value.bit_length() > 63:  # float(value) could overflow
            return Message("{name} is a number far too large for this setting.", {"name": name})
        if isinstance(value, float) and not math.isfinite(value):
            return Message("{name} must be a finite number.", {"name": name})
        if self.kind == "int" and not float(value).is_integer():
            return Message(
                "{name} must be a whole number, not {value}.", {"name": name, "value": value}
            )
        if self.minimum is not None and value < self.minimum:
            return Message(
                "{name} must be at least {low}, not {value}.",
                {"name": name, "low": _fmt(self.minimum), "value": _fmt(value)},
            )
        if self.maximum is not None and value > self.maximum:
            return Message(
                "{name} must be at most {high}, not {value}.",
                {"name": name, "high": _fmt(self.maximum), "value": _fmt(value)},
            )
        return None

    def coerce(self, value: Any) -> Any:
        """Convert a checked value to the parameter's Python type."""
        if value is None:
            return None
        if self.kind == "int":
            return int(value)
        if self.kind == "float":
            return float(value)
        return bool(value)


def _shown(value: Any) -> str:
    """A short one-line picture of a wrong value: short text quoted, else its kind."""
    if isinstance(value, str) and len(value) <= 40 and value.isprintable():
        return repr(value)
    return f"a {type(value).__name__}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


ShapeRule = Callable[[Shape, Mapping[str, Any]], Shape]
InferRule = Callable[[Shape], dict[str, int]]
MacsRule = Callable[[Shape, Shape, Mapping[str, Any]], int]


@dataclass(frozen=True)
class BlockSpec:
    """Everything the program knows about one block type."""

    type: str
    category: str
    help: str
    shape_rule: ShapeRule
    params: tuple[ParamSpec, ...] = ()
    inferred: tuple[str, ...] = ()
    infer_rule: InferRule | None = None
    positional: tuple[str, ...] = ()
    fixed_args: Mapping[str, Any] = field(default_factory=dict)
    macs_rule: MacsRule | None = None
    key_params: tuple[str, ...] = ()

    @property
    def torch_class(self) -> str:
        return self.type

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def infer(self, in_shape: Shape) -> dict[str, int]:
        return self.infer_rule(in_shape) if self.infer_rule else {}

    def build(self, in_shape: Shape, params: Mapping[str, Any]) -> Any:
        """Create the torch module; torch is imported here so the registry loads fast."""
        from torch import nn

        kwargs = {**self.infer(in_shape), **dict(self.fixed_args), **params}
        return getattr(nn, self.torch_class)(**kwargs)


CATEGORIES: tuple[tuple[str, str], ...] = (
    ("convolution", "Convolution"),
    ("pooling", "Pooling"),
    ("activation", "Activation"),
    ("linear", "Linear"),
    ("normalization", "Normalisation"),
    ("regularization", "Regularisation"),
    ("reshape", "Reshape"),
    ("output", "Output"),
)


# --- shape rules -----------------------------------------------------------------


def _need_image(in_shape: Shape, block: str) -> tuple[int, int, int]:
    if len(in_shape) != 3:
        raise ArchitectureError(
            "{block} needs an image-shaped input (channels × height × width), but gets a flat "
            "vector of {n} values. Move it before the Flatten, or remove it.",
            block=block,
            n=in_shape[0] if in_shape else 0,
        )
    c, h, w = in_shape
    return c, h, w


def _sliding(size: int, kernel: int, stride: int, padding: int, dilation: int = 1) -> int:
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _window_shape(block: str, in_shape: Shape, p: Mapping[str, Any], channels: int) -> Shape:
    c, h, w = _need_image(in_shape, block)
    kernel = int(p["kernel_size"])
    stride = int(p.get("stride") or kernel)
    padding = int(p.get("padding", 0))
    dilation = int(p.get("dilation", 1))
    span = dilation * (kernel - 1) + 1
    if span > h + 2 * padding or span > w + 2 * padding:
        hint = "Use a smaller kernel, add padding, or remove a pooling layer before it."
        raise ArchitectureError(
            "The {k}×{k} kernel is larger than its {h}×{w} input (with padding {p}). " + hint,
            k=span,
            h=h,
            w=w,
            p=padding,
        )
    out_h = _sliding(h, kernel, stride, padding, dilation)
    out_w = _sliding(w, kernel, stride, padding, dilation)
    return (channels if channels else c, out_h, out_w)


def _conv_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    return _window_shape("Conv2d", in_shape, p, int(p["out_channels"]))


def _pool_shape(block: str) -> ShapeRule:
    def rule(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
        kernel = int(p["kernel_size"])
        if int(p.get("padding", 0)) * 2 > kernel:
            raise ArchitectureError(
                "{block} padding can be at most half the kernel size ({half}). Lower the padding.",
                block=block,
                half=kernel // 2,
            )
        return _window_shape(block, in_shape, p, 0)

    return rule


def _adaptive_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    c, _, _ = _need_image(in_shape, "AdaptiveAvgPool2d")
    size = int(p["output_size"])
    return (c, size, size)


def _same(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    return in_shape


def _same_image(block: str) -> ShapeRule:
    def rule(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
        _need_image(in_shape, block)
        return in_shape

    return rule


def _batchnorm1d_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    if len(in_shape) != 1:
        raise ArchitectureError(
            "BatchNorm1d needs a flat vector, but gets a {shape} tensor. "
            "Use BatchNorm2d here, or put a Flatten before it.",
            shape=format_shape(in_shape),
        )
    return in_shape


def _flatten_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    return (math.prod(in_shape),)


def _linear_shape(in_shape: Shape, p: Mapping[str, Any]) -> Shape:
    if len(in_shape) != 1:
        raise ArchitectureError(
            "Linear needs a flat vector, but gets a {shape} tensor. Insert a Flatten before it.",
            shape=format_shape(in_shape),
        )
    return (int(p["out_features"]),)


def format_shape(shape: Shape) -> str:
    """Write a shape the way people read it: ``16×5×5``."""
    return "×".join(str(n) for n in shape)


# --- cost rules ------------------------------------------------------------------


def _conv_macs(in_shape: Shape, out_shape: Shape, p: Mapping[str, Any]) -> int:
    k = int(p["kernel_size"])
    return math.prod(out_shape) * in_shape[0] * k * k


def _linear_macs(in_shape: Shape, out_shape: Shape, p: Mapping[str, Any]) -> int:
    return in_shape[0] * out_shape[0]


# --- the table -------------------------------------------------------------------

_P_DROPOUT = "Probability of zeroing each element during training."


def _kernel(default: int) -> ParamSpec:
    return ParamSpec("kernel_size", "int", default, "Side of the square window.", 1, 64)


def _stride_pool() -> ParamSpec:
    return ParamSpec(
        "stride",
        "int",
        None,
        "Step between windows; empty means the same as the kernel size.",
        1,
        64,
        torch_default=None,
        nullable=True,
        null_label="= kernel",
    )


def _padding(torch_default: Any = 0) -> ParamSpec:
    return ParamSpec(
        "padding", "int", 0, "Zeros added on each border.", 0, 64, torch_default=torch_default
    )


_BATCHNORM_PARAMS = (
    ParamSpec(
        "eps", "float", 1e-5, "Added to the variance for stability.", 1e-12, 1.0, torch_default=1e-5
    ),
    ParamSpec(
        "momentum",
        "float",
        0.1,
        "How fast the running statistics follow.",
        0.0,
        1.0,
        torch_default=0.1,
    ),
)


def _channels(in_shape: Shape) -> dict[str, int]:
    return {"num_features": in_shape[0]}


BLOCKS: tuple[BlockSpec, ...] = (
    BlockSpec(
        "Conv2d",
        "convolution",
        "2-D convolution: slides learned filters over the image, one output channel per filter.",
        _conv_shape,
        params=(
            ParamSpec("out_channels", "int", 16, "Number of filters (output channels).", 1, 4096),
            _kernel(3),
            ParamSpec("stride", "int", 1, "Step between filter positions.", 1, 64, torch_default=1),
            _padding(),
            ParamSpec(
                "dilation", "int", 1, "Spacing between kernel elements.", 1, 16, torch_default=1
            ),
            ParamSpec(
                "bias", "bool", True, "Learn an additive bias per filter.", torch_default=True
            ),
        ),
        inferred=("in_channels",),
        infer_rule=lambda s: {"in_channels": s[0]},
        positional=("in_channels", "out_channels", "kernel_size"),
        macs_rule=_conv_macs,
        key_params=("out_channels", "kernel_size", "stride", "padding"),
    ),
    BlockSpec(
        "MaxPool2d",
        "pooling",
        "Max pooling: keeps the largest value in each window, shrinking height and width.",
        _pool_shape("MaxPool2d"),
        params=(_kernel(2), _stride_pool(), _padding()),
        positional=("kernel_size",),
        key_params=("kernel_size", "stride"),
    ),
    BlockSpec(
        "AvgPool2d",
        "pooling",
        "Average pooling: averages each window, shrinking height and width.",
        _pool_shape("AvgPool2d"),
        params=(_kernel(2), _stride_pool(), _padding()),
        positional=("kernel_size",),
        key_params=("kernel_size", "stride"),
    ),
    BlockSpec(
        "AdaptiveAvgPool2d",
        "pooling",
        "Averages each channel down to a fixed output size, whatever the input size.",
        _adaptive_shape,
        params=(ParamSpec("output_size", "int", 1, "Output height and width.", 1, 256),),
        positional=("output_size",),
        key_params=("output_size",),
    ),
    BlockSpec(
        "ReLU",
        "activation",
        "Rectified linear unit: keeps positive values, sets negatives to zero.",
        _same,
    ),
    BlockSpec(
        "LeakyReLU",
        "activation",
        "Like ReLU, but lets a small slope through for negative values.",
        _same,
        params=(
            ParamSpec(
                "negative_slope",
                "float",
                0.01,
                "Slope for negative inputs.",
                0.0,
                1.0,
                torch_default=0.01,
            ),
        ),
        positional=("negative_slope",),
        key_params=("negative_slope",),
    ),
    BlockSpec("GELU", "activation", "Gaussian error linear unit: a smooth ReLU.", _same),
    BlockSpec("Sigmoid", "activation", "Squashes values into (0, 1).", _same),
    BlockSpec("Tanh", "activation", "Squashes values into (-1, 1).", _same),
    BlockSpec(
        "Linear",
        "linear",
        "Fully connected layer: every output is a learned weighted sum of all inputs.",
        _linear_shape,
        params=(
            ParamSpec("out_features", "int", 10, "Number of outputs.", 1, 1_000_000),
            ParamSpec(
                "bias", "bool", True, "Learn an additive bias per output.", torch_default=True
            ),
        ),
        inferred=("in_features",),
        infer_rule=lambda s: {"in_features": s[0]} if len(s) == 1 else {},  # flat input only
        positional=("in_features", "out_features"),
        macs_rule=_linear_macs,
        key_params=("out_features",),
    ),
    BlockSpec(
        "BatchNorm2d",
        "normalization",
        "Normalises each channel over the batch; often speeds up and steadies training.",
        _same_image("BatchNorm2d"),
        params=_BATCHNORM_PARAMS,
        inferred=("num_features",),
        infer_rule=_channels,
        positional=("num_features",),
    ),
    BlockSpec(
        "BatchNorm1d",
        "normalization",
        "Normalises each feature of a flat vector over the batch.",
        _batchnorm1d_shape,
        params=_BATCHNORM_PARAMS,
        inferred=("num_features",),
        infer_rule=_channels,
        positional=("num_features",),
    ),
    BlockSpec(
        "Dropout",
        "regularization",
        "Randomly zeroes elements during training, which reduces over-fitting.",
        _same,
        params=(ParamSpec("p", "float", 0.5, _P_DROPOUT, 0.0, 0.99, torch_default=0.5),),
        positional=("p",),
        key_params=("p",),
    ),
    BlockSpec(
        "Dropout2d",
        "regularization",
        "Randomly zeroes whole channels during training.",
        _same_image("Dropout2d"),
        params=(ParamSpec("p", "float", 0.25, _P_DROPOUT, 0.0, 0.99, torch_default=0.5),),
        positional=("p",),
        key_params=("p",),
    ),
    BlockSpec(
        "Flatten",
        "reshape",
        "Turns each image-shaped sample into one flat vector, as Linear layers need.",
        _flatten_shape,
    ),
    BlockSpec(
        "Softmax",
        "output",
        "Turns scores into probabilities that sum to 1. Not needed before cross-entropy loss.",
        _same,
        fixed_args={"dim": 1},
    ),
    BlockSpec(
        "LogSoftmax",
        "output",
        "Log-probabilities; pair it with negative log-likelihood (NLL) loss.",
        _same,
        fixed_args={"dim": 1},
    ),
)

REGISTRY: dict[str, BlockSpec] = {spec.type: spec for spec in BLOCKS}


def get_spec(block_type: str) -> BlockSpec:
    """Look up a block type, with a plain message for an unknown one."""
    try:
        return REGISTRY[block_type]
    except KeyError:
        raise ArchitectureError(
            "Unknown block type {name!r}. Known types: {known}.",
            name=block_type,
            known=", ".join(REGISTRY),
        ) from None
