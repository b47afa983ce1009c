"""The one registry of block types, as a table of capabilities.

Every block type is one ``BlockSpec`` entry: its torch class, its parameters with
ranges, help and card labels, which parameters are inferred from the layer before,
the input ranks it accepts, its shape, parameter-count and cost rules, whether it
changes the shape or has weights to initialise, and the functional calls
(``F.relu``) the importer reads as it. The palette, cards, editor, validation,
code export and code import all read this table, so adding a block type is adding
one entry here (plus the translations of its help).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from studio.core import backbones
from studio.core import block_rules as rules
from studio.core.block_rules import CountRule, MacsRule, Shape, ShapeRule, format_shape
from studio.core.errors import ArchitectureError, Message

__all__ = ["REGISTRY", "BlockSpec", "ParamSpec", "Shape", "format_shape", "get_spec"]

ParamKind = Literal["int", "float", "bool", "choice"]


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
    choices: tuple[str, ...] = ()
    """The allowed values of a ``choice`` parameter."""
    short: str = ""
    """Its card label, ``{v}`` standing for the value (``"{v} ch"``); empty: ``name=value``."""
    shown_at_default: bool = False
    """Whether the card shows it even when it equals torch's default (kernel sizes)."""

    def problem(self, value: Any) -> Message | None:
        """What is wrong with ``value``, as a translatable message, or ``None``."""
        name = self.name
        if value is None:
            return None if self.nullable else Message("{name} needs a value.", {"name": name})
        if self.kind == "bool":
            if isinstance(value, bool):
                return None
            return Message("{name} must be true or false.", {"name": name})
        if self.kind == "choice":
            if isinstance(value, str) and value in self.choices:
                return None
            return Message(
                "{name} must be one of {choices}, not {value}.",
                {"name": name, "choices": ", ".join(self.choices), "value": _shown(value)},
            )
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
        if self.kind == "choice":
            return str(value)
        return bool(value)


def _shown(value: Any) -> str:
    """A short one-line picture of a wrong value: short text quoted, else its kind."""
    if isinstance(value, str) and len(value) <= 40 and value.isprintable():
        return repr(value)
    return f"a {type(value).__name__}"


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


InferRule = Callable[[Shape], dict[str, int]]

ANY_RANK = (1, 2, 3)
"""Input ranks: a flat vector (N), a signal (C, L) and an image (C, H, W)."""


@dataclass(frozen=True)
class BlockSpec:
    """Everything the program knows about one block type.

    ``ranks`` are the input ranks it accepts; ``twins`` name the block to use
    instead at another rank (BatchNorm1d on an image: BatchNorm2d), the one-click
    fix for a wrong rank. ``count_rule`` counts its learnable parameters without
    torch; without one they are counted on a meta-device module. ``reshapes`` says
    it changes the shape (so two Linear layers around it are not one), ``init``
    that its weights take the chosen initialisation, and ``functional`` maps
    ``torch.nn.functional`` names the importer reads as this block to the
    arguments those functions take.
    """

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
    ranks: tuple[int, ...] = ANY_RANK
    twins: Mapping[int, str] = field(default_factory=dict)
    count_rule: CountRule | None = None
    reshapes: bool = False
    init: bool = False
    functional: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    builder: Callable[[Shape, Mapping[str, Any]], Any] | None = None
    """Makes the module when it is not a ``torch.nn`` class (a torchvision Backbone)."""

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
        if self.builder is not None:
            return self.builder(in_shape, params)
        from torch import nn

        kwargs = {**self.infer(in_shape), **dict(self.fixed_args), **params}
        return getattr(nn, self.torch_class)(**kwargs)

    def count_params(self, in_shape: Shape, params: Mapping[str, Any]) -> int:
        """Learnable parameters at this input shape, by the rule or on the meta device."""
        if self.count_rule is not None:
            return self.count_rule(in_shape, params)
        return _meta_count(self.type, in_shape, tuple(sorted(params.items())))


@lru_cache(maxsize=256)
def _meta_count(block_type: str, in_shape: Shape, params: tuple[tuple[str, Any], ...]) -> int:
    """Build the module on torch's meta device, which allocates nothing, and count."""
    import torch

    with torch.device("meta"):
        module = REGISTRY[block_type].build(in_shape, dict(params))
    return sum(p.numel() for p in module.parameters())


CATEGORIES: tuple[tuple[str, str], ...] = (
    ("convolution", "Convolution"),
    ("pooling", "Pooling"),
    ("activation", "Activation"),
    ("linear", "Linear"),
    ("normalization", "Normalisation"),
    ("regularization", "Regularisation"),
    ("reshape", "Reshape"),
    ("output", "Output"),
    ("pretrained", "Pretrained"),
)


# --- the table -------------------------------------------------------------------

_P_DROPOUT = "Probability of zeroing each element during training."


def _kernel(default: int, dims: int = 2) -> ParamSpec:
    if dims == 1:
        return ParamSpec(
            "kernel_size",
            "int",
            default,
            "Length of the window.",
            1,
            64,
            short="k{v}",
            shown_at_default=True,
        )
    return ParamSpec(
        "kernel_size",
        "int",
        default,
        "Side of the square window.",
        1,
        64,
        short="{v}×{v}",
        shown_at_default=True,
    )


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
        short="stride {v}",
    )


def _stride_conv() -> ParamSpec:
    return ParamSpec(
        "stride",
        "int",
        1,
        "Step between filter positions.",
        1,
        64,
        torch_default=1,
        short="stride {v}",
    )


def _padding(torch_default: Any = 0) -> ParamSpec:
    return ParamSpec(
        "padding",
        "int",
        0,
        "Zeros added on each border.",
        0,
        64,
        torch_default=torch_default,
        short="pad {v}",
    )


def _out_channels(default: int = 16) -> ParamSpec:
    return ParamSpec(
        "out_channels",
        "int",
        default,
        "Number of filters (output channels).",
        1,
        4096,
        short="{v} ch",
    )


_DILATION = ParamSpec(
    "dilation", "int", 1, "Spacing between kernel elements.", 1, 16, torch_default=1
)
_BIAS = ParamSpec("bias", "bool", True, "Learn an additive bias per filter.", torch_default=True)

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


def _in_channels(in_shape: Shape) -> dict[str, int]:
    return {"in_channels": in_shape[0]}


def _conv(block: str, dims: int, help_text: str, twins: Mapping[int, str]) -> BlockSpec:
    """Conv1d and Conv2d differ only in the number of sides the filters slide over."""
    return BlockSpec(
        block,
        "convolution",
        help_text,
        rules.conv_shape(block, dims),
        params=(_out_channels(), _kernel(3, dims), _stride_conv(), _padding(), _DILATION, _BIAS),
        inferred=("in_channels",),
        infer_rule=_in_channels,
        positional=("in_channels", "out_channels", "kernel_size"),
        macs_rule=rules.conv_macs(dims),
        key_params=("out_channels", "kernel_size", "stride", "padding"),
        ranks=(dims + 1,),
        twins=twins,
        count_rule=rules.conv_params(dims),
        reshapes=True,
        init=True,
    )


def _pool(block: str, dims: int, help_text: str, twins: Mapping[int, str]) -> BlockSpec:
    """Max and average pooling over one or two sides; ``F.max_pool2d`` imports as one."""
    function = block.replace("Pool", "_pool").lower()  # MaxPool2d -> max_pool2d
    arguments = ("kernel_size", "stride", "padding")
    if block.startswith("Max"):
        arguments += ("dilation", "ceil_mode", "return_indices")
    else:
        arguments += ("ceil_mode", "count_include_pad")
        arguments += ("divisor_override",) if dims == 2 else ()
    return BlockSpec(
        block,
        "pooling",
        help_text,
        rules.pool_shape(block, dims),
        params=(_kernel(2, dims), _stride_pool(), _padding()),
        positional=("kernel_size",),
        key_params=("kernel_size", "stride"),
        ranks=(dims + 1,),
        twins=twins,
        count_rule=rules.no_params,
        reshapes=True,
        functional={function: arguments},
    )


def _activation(
    block: str, help_text: str, functional: Mapping[str, tuple[str, ...]], **extra: Any
) -> BlockSpec:
    return BlockSpec(
        block,
        "activation",
        help_text,
        rules.same,
        count_rule=rules.no_params,
        functional=functional,
        **extra,
    )


BLOCKS: tuple[BlockSpec, ...] = (
    _conv(
        "Conv2d",
        2,
        "2-D convolution: slides learned filters over the image, one output channel per filter.",
        {2: "Conv1d"},
    ),
    _conv(
        "Conv1d",
        1,
        "1-D convolution: slides learned filters along the signal, one output channel per filter.",
        {3: "Conv2d"},
    ),
    BlockSpec(
        "ConvTranspose2d",
        "convolution",
        "Transposed 2-D convolution: learned upsampling, the reverse of a strided convolution.",
        rules.transposed_shape,
        params=(
            _out_channels(),
            _kernel(2),
            ParamSpec(
                "stride",
                "int",
                2,
                "Step between filter positions in the output.",
                1,
                64,
                torch_default=1,
                short="stride {v}",
            ),
            _padding(),
            ParamSpec(
                "output_padding",
                "int",
                0,
                "Extra rows and columns added on one side of the output.",
                0,
                63,
                torch_default=0,
            ),
            _DILATION,
            _BIAS,
        ),
        inferred=("in_channels",),
        infer_rule=_in_channels,
        positional=("in_channels", "out_channels", "kernel_size"),
        macs_rule=rules.transposed_macs,
        key_params=("out_channels", "kernel_size", "stride", "padding"),
        ranks=(3,),
        count_rule=rules.conv_params(2),
        reshapes=True,
        init=True,
    ),
    _pool(
        "MaxPool2d",
        2,
        "Max pooling: keeps the largest value in each window, shrinking height and width.",
        {2: "MaxPool1d"},
    ),
    _pool(
        "AvgPool2d",
        2,
        "Average pooling: averages each window, shrinking height and width.",
        {2: "AvgPool1d"},
    ),
    _pool(
        "MaxPool1d",
        1,
        "1-D max pooling: keeps the largest value in each window, shrinking the length.",
        {3: "MaxPool2d"},
    ),
    _pool(
        "AvgPool1d",
        1,
        "1-D average pooling: averages each window, shrinking the length.",
        {3: "AvgPool2d"},
    ),
    BlockSpec(
        "AdaptiveAvgPool2d",
        "pooling",
        "Averages each channel down to a fixed output size, whatever the input size.",
        rules.adaptive_shape,
        params=(
            ParamSpec(
                "output_size", "int", 1, "Output height and width.", 1, 256, short="{v}×{v} out"
            ),
        ),
        positional=("output_size",),
        key_params=("output_size",),
        ranks=(3,),
        count_rule=rules.no_params,
        reshapes=True,
        functional={"adaptive_avg_pool2d": ("output_size",)},
    ),
    BlockSpec(
        "Upsample",
        "pooling",
        "Enlarges each channel by a scale factor or to a fixed size, repeating (nearest) or "
        "blending (bilinear) neighbouring values.",
        rules.upsample_shape,
        params=(
            ParamSpec(
                "scale_factor",
                "float",
                2.0,
                "How many times larger each side gets; empty to use the size instead.",
                0.01,
                64.0,
                torch_default=None,
                nullable=True,
                null_label="use size",
                short="×{v}",
            ),
            ParamSpec(
                "size",
                "int",
                None,
                "Output length of each side; empty to use the scale factor instead.",
                1,
                4096,
                torch_default=None,
                nullable=True,
                null_label="use scale",
                short="→{v}",
            ),
            ParamSpec(
                "mode",
                "choice",
                "nearest",
                "How new values are made: copied from the nearest "
                "value, or blended from the neighbours (images only).",
                torch_default="nearest",
                choices=("nearest", "bilinear"),
            ),
        ),
        key_params=("scale_factor", "size", "mode"),
        ranks=(2, 3),
        count_rule=rules.no_params,
        reshapes=True,
    ),
    _activation(
        "ReLU",
        "Rectified linear unit: keeps positive values, sets negatives to zero.",
        {"relu": ("inplace",), "relu_": ()},
    ),
    _activation(
        "LeakyReLU",
        "Like ReLU, but lets a small slope through for negative values.",
        {"leaky_relu": ("negative_slope", "inplace"), "leaky_relu_": ("negative_slope",)},
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
    _activation("GELU", "Gaussian error linear unit: a smooth ReLU.", {"gelu": ("approximate",)}),
    _activation("Sigmoid", "Squashes values into (0, 1).", {"sigmoid": ()}),
    _activation("Tanh", "Squashes values into (-1, 1).", {"tanh": ()}),
    BlockSpec(
        "Linear",
        "linear",
        "Fully connected layer: every output is a learned weighted sum of all inputs.",
        rules.linear_shape,
        params=(
            ParamSpec(
                "out_features", "int", 10, "Number of outputs.", 1, 1_000_000, short="{v} out"
            ),
            ParamSpec(
                "bias", "bool", True, "Learn an additive bias per output.", torch_default=True
            ),
        ),
        inferred=("in_features",),
        infer_rule=lambda s: {"in_features": s[0]} if len(s) == 1 else {},  # flat input only
        positional=("in_features", "out_features"),
        macs_rule=rules.linear_macs,
        key_params=("out_features",),
        ranks=(1,),
        count_rule=rules.linear_params,
        init=True,
    ),
    BlockSpec(
        "BatchNorm2d",
        "normalization",
        "Normalises each channel over the batch; often speeds up and steadies training.",
        rules.same_image("BatchNorm2d"),
        params=_BATCHNORM_PARAMS,
        inferred=("num_features",),
        infer_rule=_channels,
        positional=("num_features",),
        ranks=(3,),
        twins={1: "BatchNorm1d", 2: "BatchNorm1d"},
        count_rule=rules.norm_params,
    ),
    BlockSpec(
        "BatchNorm1d",
        "normalization",
        "Normalises each feature of a flat vector, or each channel of a signal, over the batch.",
        rules.batchnorm1d_shape,
        params=_BATCHNORM_PARAMS,
        inferred=("num_features",),
        infer_rule=_channels,
        positional=("num_features",),
        ranks=(1, 2),
        twins={3: "BatchNorm2d"},
        count_rule=rules.norm_params,
    ),
    BlockSpec(
        "Dropout",
        "regularization",
        "Randomly zeroes elements during training, which reduces over-fitting.",
        rules.same,
        params=(
            ParamSpec("p", "float", 0.5, _P_DROPOUT, 0.0, 0.99, torch_default=0.5, short="p={v}"),
        ),
        positional=("p",),
        key_params=("p",),
        count_rule=rules.no_params,
        functional={"dropout": ("p", "training", "inplace")},
    ),
    BlockSpec(
        "Dropout2d",
        "regularization",
        "Randomly zeroes whole channels during training.",
        rules.same_image("Dropout2d"),
        params=(
            ParamSpec("p", "float", 0.25, _P_DROPOUT, 0.0, 0.99, torch_default=0.5, short="p={v}"),
        ),
        positional=("p",),
        key_params=("p",),
        ranks=(3,),
        count_rule=rules.no_params,
        functional={"dropout2d": ("p", "training", "inplace")},
    ),
    BlockSpec(
        "Flatten",
        "reshape",
        "Turns each image-shaped sample into one flat vector, as Linear layers need.",
        rules.flatten_shape,
        count_rule=rules.no_params,
        reshapes=True,
    ),
    BlockSpec(
        "Softmax",
        "output",
        "Turns scores into probabilities that sum to 1. Not needed before cross-entropy loss.",
        rules.same,
        fixed_args={"dim": 1},
        count_rule=rules.no_params,
        functional={"softmax": ("dim", "_stacklevel", "dtype")},
    ),
    BlockSpec(
        "LogSoftmax",
        "output",
        "Log-probabilities; pair it with negative log-likelihood (NLL) loss.",
        rules.same,
        fixed_args={"dim": 1},
        count_rule=rules.no_params,
        functional={"log_softmax": ("dim", "_stacklevel", "dtype")},
    ),
    BlockSpec(
        backbones.BLOCK,
        "pretrained",
        "A torchvision image classifier without its last layers: gives the pooled features "
        "of a colour image. Pretrained weights download once into torch's cache.",
        backbones.shape_rule,
        params=(
            ParamSpec(
                "model",
                "choice",
                "resnet18",
                "Which torchvision model.",
                choices=backbones.MODELS,
                short="{v}",
                shown_at_default=True,
            ),
            ParamSpec(
                "weights",
                "choice",
                "DEFAULT",
                "The pretrained weights (torchvision's name); empty for random weights.",
                torch_default=None,
                nullable=True,
                null_label="random",
                choices=backbones.WEIGHT_NAMES,
                short="{v} weights",
            ),
            ParamSpec(
                "train_last_stages",
                "int",
                0,
                "When the layer is frozen, its last this many stages still train.",
                0,
                64,
                torch_default=0,
                short="last {v} stages train",
            ),
        ),
        macs_rule=backbones.macs_rule,
        key_params=("model", "weights", "train_last_stages"),
        ranks=(3,),
        count_rule=backbones.count_rule,
        reshapes=True,
        builder=backbones.build,
    ),
)

REGISTRY: dict[str, BlockSpec] = {spec.type: spec for spec in BLOCKS}
"""Every block type by name, in palette order; ``register`` adds one."""


def register(spec: BlockSpec) -> None:
    """Add a block type: everything that reads the registry picks it up from here on."""
    if spec.type in REGISTRY:
        raise ValueError(f"the block type {spec.type!r} is registered already")
    REGISTRY[spec.type] = spec


def unregister(block_type: str) -> None:
    """Remove a block type added with ``register`` (tests and plug-ins clean up with it)."""
    if any(spec.type == block_type for spec in BLOCKS):
        raise ValueError(f"{block_type!r} is a built-in block type")
    REGISTRY.pop(block_type, None)
    _meta_count.cache_clear()


def functional_aliases() -> dict[str, tuple[str, tuple[str, ...]]]:
    """``torch.nn.functional`` names the importer reads as blocks: name → (block, arguments)."""
    return {
        name: (spec.type, arguments)
        for spec in REGISTRY.values()
        for name, arguments in spec.functional.items()
    }


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
