"""Per-layer weight and bias initialisation: one table of torch's ``nn.init`` kinds.

The table (``KINDS``) drives everything: a project file's layer ``"init"`` is checked
against it, the property editor builds its fields from it, the trainer applies it and
the exported script writes the same ``nn.init`` calls. A layer's ``default`` means "as
the project says" (the Weight init and Bias init settings), which for a new project is
torch's own initialisation. Qt-free; torch is imported only where tensors are filled.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from studio.core.errors import ArchitectureError, Message
from studio.core.registry import ParamSpec, get_spec

NORMAL_INIT_STD = 0.01
"""The std of the project-wide ``normal`` weight init (mean 0)."""

ROLES = ("weight", "bias")
BIG = 1e6
"""Largest magnitude of a mean, value or bound: far beyond any useful weight."""


@dataclass(frozen=True)
class InitKind:
    """One ``nn.init`` function: its name in the project file, its parameters, its label.

    ``needs_matrix`` kinds compute fans from a weight with two or more dimensions
    (Xavier, Kaiming), so they cannot fill a bias.
    """

    name: str
    function: str
    label: Message
    help: Message
    params: tuple[ParamSpec, ...] = ()
    needs_matrix: bool = False

    def param(self, name: str) -> ParamSpec:
        for spec in self.params:
            if spec.name == name:
                return spec
        raise KeyError(name)


def _number(name: str, default: float, low: float, high: float = BIG) -> ParamSpec:
    return ParamSpec(name, "float", default, "", low, high)


def _choice(name: str, default: str, choices: tuple[str, ...]) -> ParamSpec:
    return ParamSpec(name, "choice", default, "", choices=choices)


_GAIN = _number("gain", 1.0, 0.0, 1000.0)
_KAIMING = (
    _choice("mode", "fan_in", ("fan_in", "fan_out")),
    _choice("nonlinearity", "relu", ("relu", "leaky_relu", "linear")),
)

KINDS: dict[str, InitKind] = {
    kind.name: kind
    for kind in (
        InitKind(
            "default",
            "",
            Message("Default"),
            Message("As the project's Weight init and Bias init settings say"),
        ),
        InitKind(
            "normal",
            "normal_",
            Message("Normal"),
            Message("Random values from a normal distribution with this mean and std"),
            (_number("mean", 0.0, -BIG), _number("std", NORMAL_INIT_STD, 0.0)),
        ),
        InitKind(
            "uniform",
            "uniform_",
            Message("Uniform"),
            Message("Random values spread evenly between a and b"),
            (_number("a", -0.05, -BIG), _number("b", 0.05, -BIG)),
        ),
        InitKind(
            "constant",
            "constant_",
            Message("Constant"),
            Message("Every value the same"),
            (_number("value", 0.0, -BIG),),
        ),
        InitKind("zeros", "zeros_", Message("Zeros"), Message("Every value 0")),
        InitKind("ones", "ones_", Message("Ones"), Message("Every value 1")),
        InitKind(
            "xavier_uniform",
            "xavier_uniform_",
            Message("Xavier uniform"),
            Message("Glorot's uniform init, scaled by the layer's inputs and outputs"),
            (_GAIN,),
            needs_matrix=True,
        ),
        InitKind(
            "xavier_normal",
            "xavier_normal_",
            Message("Xavier normal"),
            Message("Glorot's normal init, scaled by the layer's inputs and outputs"),
            (_GAIN,),
            needs_matrix=True,
        ),
        InitKind(
            "kaiming_uniform",
            "kaiming_uniform_",
            Message("Kaiming uniform"),
            Message("He's uniform init, for layers followed by ReLU"),
            _KAIMING,
            needs_matrix=True,
        ),
        InitKind(
            "kaiming_normal",
            "kaiming_normal_",
            Message("Kaiming normal"),
            Message("He's normal init, for layers followed by ReLU"),
            _KAIMING,
            needs_matrix=True,
        ),
    )
}

WEIGHT_KINDS = tuple(KINDS)
BIAS_KINDS = tuple(name for name, kind in KINDS.items() if not kind.needs_matrix)
TORCH_KEYWORD = {"value": "val"}
"""Parameters whose ``nn.init`` keyword differs from the project file's name."""


def kinds_for(role: str) -> tuple[str, ...]:
    """The kinds a weight (``role`` ``weight``) or a bias may take."""
    return WEIGHT_KINDS if role == "weight" else BIAS_KINDS


@dataclass(frozen=True)
class TensorInit:
    """How to fill one tensor: a kind of ``KINDS`` and its checked parameter values."""

    kind: str
    values: tuple[tuple[str, Any], ...] = ()

    @property
    def args(self) -> dict[str, Any]:
        return dict(self.values)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **self.args}

    def call(self, target: str) -> str:
        """The call that fills ``target``, like ``nn.init.normal_(x, mean=0.0, std=0.01)``."""
        parts = [target] + [
            f"{TORCH_KEYWORD.get(name, name)}={value!r}".replace("'", '"')
            for name, value in self.values
        ]
        return f"nn.init.{KINDS[self.kind].function}({', '.join(parts)})"

    def apply(self, tensor: Any) -> None:
        """Fill ``tensor`` in place with torch's own function (drawing from torch's RNG)."""
        from torch import nn

        function = getattr(nn.init, KINDS[self.kind].function)
        function(tensor, **{TORCH_KEYWORD.get(k, k): v for k, v in self.values})

    def describe(self) -> str:
        """``normal(mean=0, std=0.01)``: a card tooltip and a note."""
        inner = ", ".join(f"{name}={_short(value)}" for name, value in self.values)
        return f"{self.kind}({inner})" if inner else self.kind


def make_init(kind: str, **values: Any) -> TensorInit:
    """A checked ``TensorInit``; missing parameters take the table's defaults."""
    return parse_tensor_init({"kind": kind, **values}, "weight")


@dataclass(frozen=True)
class LayerInit:
    """A layer's own init; ``None`` for a role means the project's setting applies."""

    weight: TensorInit | None = None
    bias: TensorInit | None = None

    def to_dict(self) -> dict[str, Any]:
        return {role: part.to_dict() for role in ROLES if (part := getattr(self, role))}

    def get(self, role: str) -> TensorInit | None:
        return getattr(self, role)

    def with_role(self, role: str, part: TensorInit | None) -> LayerInit | None:
        """This init with ``role`` replaced; ``None`` when nothing is left to override."""
        if part is not None and part.kind == "default":
            part = None
        return normalised(dataclasses.replace(self, **{role: part}))

    def describe(self) -> str:
        return ", ".join(f"{role} {part.describe()}" for role in ROLES if (part := self.get(role)))


def normalised(init: LayerInit | None) -> LayerInit | None:
    """``None`` for an init that overrides nothing, so "no init" has one spelling."""
    if init is None or (init.weight is None and init.bias is None):
        return None
    return init


# --- reading a project file -----------------------------------------------------------


def parse_layer_init(data: Any, block_type: str) -> LayerInit | None:
    """A layer's ``"init"`` object, checked; raises ``ArchitectureError`` with the reason."""
    if data is None:
        return None
    if not get_spec(block_type).init:
        raise ArchitectureError(
            "{block} has no weights to initialise; remove its init.", block=block_type
        )
    if not isinstance(data, Mapping):
        raise ArchitectureError("init must be an object with a weight and/or a bias.")
    unknown = [key for key in data if key not in ROLES]
    if unknown:
        raise ArchitectureError(
            "init has no part {name!r}; it takes weight and bias.", name=str(unknown[0])[:40]
        )
    parts = {role: parse_tensor_init(data[role], role) for role in ROLES if role in data}
    return normalised(LayerInit(**{r: p for r, p in parts.items() if p.kind != "default"}))


def parse_tensor_init(data: Any, role: str) -> TensorInit:
    """``{"kind": "normal", "mean": 0.0, "std": 0.01}`` for a weight or a bias, checked."""
    where = f"init.{role}"
    if not isinstance(data, Mapping) or "kind" not in data:
        raise ArchitectureError(
            "{name} must be an object with a kind, like {example}.",
            name=where,
            example='{"kind": "normal", "mean": 0.0, "std": 0.01}',
        )
    choices = kinds_for(role)
    kind_spec = _choice(f"{where}.kind", "default", choices)
    problem = kind_spec.problem(data["kind"])
    if problem is not None:
        raise ArchitectureError("{message}", message=problem)
    kind = KINDS[data["kind"]]
    names = [p.name for p in kind.params]
    extra = [key for key in data if key != "kind" and key not in names]
    if extra:
        raise ArchitectureError(
            "{name} ({kind}) has no parameter {param!r}; it takes {names}.",
            name=where,
            kind=kind.name,
            param=str(extra[0])[:40],
            names=", ".join(names) or "none",
        )
    values = []
    for pspec in kind.params:
        value = data.get(pspec.name, pspec.default)
        problem = dataclasses.replace(pspec, name=f"{where}.{pspec.name}").problem(value)
        if problem is not None:
            raise ArchitectureError("{message}", message=problem)
        values.append((pspec.name, pspec.coerce(value)))
    checked = dict(values)
    if kind.name == "uniform" and not checked["a"] < checked["b"]:
        raise ArchitectureError(
            "{name}: a must be less than b (a is {a}, b is {b}).",
            name=where,
            a=_short(checked["a"]),
            b=_short(checked["b"]),
        )
    return TensorInit(kind.name, tuple(values))


# --- the project's own setting, as table entries ----------------------------------------

PROJECT_WEIGHT: dict[str, TensorInit | None] = {
    "default": None,
    "kaiming": TensorInit("kaiming_normal", (("mode", "fan_in"), ("nonlinearity", "relu"))),
    "xavier": TensorInit("xavier_uniform", (("gain", 1.0),)),
    "normal": TensorInit("normal", (("mean", 0.0), ("std", NORMAL_INIT_STD))),
}
"""The training settings' Weight init choices as table entries."""

PROJECT_BIAS: dict[str, TensorInit | None] = {"default": None, "zeros": TensorInit("zeros")}
"""The training settings' Bias init choices as table entries."""


def project_init(weight: str, bias: str) -> LayerInit:
    """The project-wide Weight init and Bias init settings as one ``LayerInit``."""
    for name, table in ((weight, PROJECT_WEIGHT), (bias, PROJECT_BIAS)):
        if name not in table:
            raise ArchitectureError(
                "The initialisation {name!r} is unknown; choose {choices}.",
                name=name,
                choices=", ".join(table),
            )
    return LayerInit(PROJECT_WEIGHT[weight], PROJECT_BIAS[bias])


def effective_inits(
    blocks: Sequence[Any], weight: str = "default", bias: str = "default"
) -> list[tuple[int, LayerInit]]:
    """``(index, init)`` of every layer with weights that is not left to torch: a layer's
    own choice first, then the project's. In layer order, weight before bias: the order
    random numbers are drawn, in the app and in the exported script alike."""
    project = project_init(weight, bias)
    found = []
    for index, block in enumerate(blocks):
        if not get_spec(block.type).init:
            continue
        own = block.init or LayerInit()
        merged = LayerInit(own.weight or project.weight, own.bias or project.bias)
        if normalised(merged) is not None:
            found.append((index, merged))
    return found


# --- applying ----------------------------------------------------------------------------


def initialise(model: Any, blocks: Sequence[Any], weight: str, bias: str) -> None:
    """Fill the weights of a freshly built ``nn.Sequential`` as the project and layers say.

    Call right after ``Architecture.build`` under the run's seed: the draws then follow
    the built layers', as in the exported script.
    """
    import torch

    with torch.no_grad():
        for index, init in effective_inits(blocks, weight, bias):
            apply_layer_init(model[index], init)


def apply_layer_init(module: Any, init: LayerInit) -> None:
    """Weight first, then the bias (a layer built with ``bias=False`` has none to fill)."""
    if init.weight is not None:
        init.weight.apply(module.weight)
    if init.bias is not None and getattr(module, "bias", None) is not None:
        init.bias.apply(module.bias)


def script_lines(blocks: Sequence[Any], weight: str, bias: str, model: str = "model") -> list[str]:
    """One ``nn.init`` call per filled tensor, for the exported script (same order as the app)."""
    lines = []
    for index, init in effective_inits(blocks, weight, bias):
        if init.weight is not None:
            lines.append(init.weight.call(f"{model}[{index}].weight"))
        if init.bias is not None and blocks[index].params.get("bias", True):
            lines.append(init.bias.call(f"{model}[{index}].bias"))
    return lines


def _short(value: Any) -> str:
    if isinstance(value, float) and math.isfinite(value):
        return f"{value:g}"
    return str(value)
