"""One layer as code writes it, checked and turned into a registry block.

Both import paths end here: the syntax-tree reader hands in the arguments a
``nn.Conv2d(...)`` call was written with, the tracer hands in the settings a live
module holds. Binding them to torch's own signature is what makes positional
and keyword arguments, and arguments equal to torch's defaults, all work alike.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from studio.core.errors import CodeImportError
from studio.core.registry import REGISTRY, REQUIRED, BlockSpec, Shape

SKIPPED_LAYERS = frozenset({"Identity"})
"""torch.nn layers that do nothing, so the import leaves them out."""

HARMLESS_ARGS = frozenset({"inplace"})
"""Arguments that change memory use, never results; the import drops them."""


@dataclass(frozen=True)
class LayerCall:
    """A ``torch.nn`` layer as written (``args``/``kwargs``) or as a live module holds it."""

    cls: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None
    text: str = ""

    @property
    def where(self) -> str:
        """``"Line 7 (`nn.Conv2d(1, 6, 5)`): "``, the start of a message about this layer."""
        place = f"Line {self.line}" if self.line else "The layer"
        return f"{place} (`{self.text}`): " if self.text else f"{place}: "


@dataclass
class ParsedLayer:
    """A registry block plus what the code stated that shape inference must confirm."""

    type: str
    params: dict[str, Any]
    stated: dict[str, Any]
    """Inferred arguments the code wrote (``in_features=400``), checked against the shapes."""
    fixed: dict[str, Any]
    """Fixed arguments the code wrote (``dim=-1``), checked against the shapes."""
    call: LayerCall


def registry_name(torch_class: str) -> str | None:
    """The block type for a ``torch.nn`` class name; ``LazyLinear`` is a Linear."""
    if torch_class in REGISTRY:
        return torch_class
    if torch_class.startswith("Lazy") and torch_class[4:] in REGISTRY:
        return torch_class[4:]
    return None


@cache
def torch_signature(torch_class: str) -> inspect.Signature | None:
    from torch import nn

    cls = getattr(nn, torch_class, None)
    if not isinstance(cls, type):
        return None
    return inspect.signature(cls)


def to_layer(call: LayerCall, notes: list[str]) -> ParsedLayer | None:
    """Check ``call`` against the registry and torch; ``None`` for a layer that does nothing."""
    if call.cls in SKIPPED_LAYERS:
        notes.append(f"Left out nn.{call.cls}, which passes its input on unchanged.")
        return None
    if call.cls == "Backbone":
        return _backbone_layer(call)
    block_type = registry_name(call.cls)
    signature = torch_signature(call.cls)
    if block_type is None or signature is None:
        raise CodeImportError(
            "{where}nn.{cls} is not a block Sequential Studio has, so this network cannot be "
            "imported. The blocks are: {known}.",
            where=call.where,
            cls=call.cls,
            known=", ".join(REGISTRY),
        )
    spec = REGISTRY[block_type]
    try:
        bound = signature.bind(*call.args, **call.kwargs)
    except TypeError as error:
        raise CodeImportError(
            "{where}the arguments do not fit nn.{cls} ({reason}).",
            where=call.where,
            cls=call.cls,
            reason=str(error),
        ) from None
    values = _plain_arguments(bound, call)
    _resolve_padding(values, call)
    params = _read_params(spec, values, call)
    stated = {name: values.pop(name) for name in spec.inferred if name in values}
    for name, value in stated.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise CodeImportError(
                "{where}{name} must be a whole number, not {value!r}.",
                where=call.where,
                name=name,
                value=value,
            )
    fixed = {name: values.pop(name) for name in spec.fixed_args if name in values}
    _check_leftovers(spec, signature, values, call, notes)
    return ParsedLayer(block_type, params, stated, fixed, call)


def _plain_arguments(bound: inspect.BoundArguments, call: LayerCall) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in bound.arguments.items():
        kind = bound.signature.parameters[name].kind
        if kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            if value:
                raise CodeImportError(
                    "{where}nn.{cls} takes no arguments here.", where=call.where, cls=call.cls
                )
            continue
        values[name] = _square(name, value, call)
    return values


def _square(name: str, value: Any, call: LayerCall) -> Any:
    """``(5, 5)`` is 5; ``(5, 3)`` is refused, since every block is square."""
    if isinstance(value, (tuple, list)):
        items = set(value)
        if len(items) != 1:
            raise CodeImportError(
                "{where}{name}={value!r} is not square; Sequential Studio's blocks use the "
                "same size for height and width.",
                where=call.where,
                name=name,
                value=tuple(value),
            )
        return items.pop()
    return value


def _resolve_padding(values: dict[str, Any], call: LayerCall) -> None:
    """``padding='valid'`` is 0; ``'same'`` is half the (dilated) kernel when that is whole."""
    padding = values.get("padding")
    if padding == "valid":
        values["padding"] = 0
    elif padding == "same":
        span = int(values.get("dilation", 1)) * (int(values.get("kernel_size", 1)) - 1)
        if span % 2:
            raise CodeImportError(
                "{where}padding='same' with an even kernel pads one side more than the other, "
                "which the Conv2d block cannot express. Use an odd kernel size.",
                where=call.where,
            )
        values["padding"] = span // 2


def _read_params(spec: BlockSpec, values: dict[str, Any], call: LayerCall) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for pspec in spec.params:
        if pspec.name in values:
            value = values.pop(pspec.name)
            problem = pspec.problem(value)
            if problem is not None:
                raise CodeImportError("{where}{problem}", where=call.where, problem=problem)
            params[pspec.name] = pspec.coerce(value)
        elif pspec.torch_default is REQUIRED:
            raise CodeImportError(
                "{where}nn.{cls} needs a value for {name}.",
                where=call.where,
                cls=call.cls,
                name=pspec.name,
            )
        else:
            params[pspec.name] = pspec.torch_default
    return params


def _check_leftovers(
    spec: BlockSpec,
    signature: inspect.Signature,
    values: dict[str, Any],
    call: LayerCall,
    notes: list[str],
) -> None:
    """Arguments the block has no setting for are fine only when they change nothing."""
    for name, value in values.items():
        default = signature.parameters[name].default
        if _same_value(value, default):
            continue
        if name in HARMLESS_ARGS:
            notes.append(f"Left out {name}={value!r}, which only saves memory.")
            continue
        raise CodeImportError(
            "{where}{name}={value!r} cannot be imported: the {block} block has no {name} "
            "setting. Remove it to use torch's default ({default!r}).",
            where=call.where,
            name=name,
            value=value,
            block=spec.type,
            default=default,
        )


def _same_value(value: Any, default: Any) -> bool:
    if default is inspect.Parameter.empty:
        return False
    if isinstance(value, bool) != isinstance(default, bool):
        return False
    try:
        return bool(value == default)
    except Exception:  # a tensor or an odd object: certainly not the default
        return False


def check_fixed(layer: ParsedLayer, in_shape: Shape) -> str | None:
    """A sentence if a written fixed argument means something else at this input shape.

    ``dim`` counts the batch dimension, so ``dim=-1`` on a flat vector is ``dim=1``,
    and a missing ``dim`` is what torch picks for 2-D and 4-D input: 1.
    """
    spec = REGISTRY[layer.type]
    for name, written in layer.fixed.items():
        expected = spec.fixed_args[name]
        value = written
        if name == "dim":
            ndim = len(in_shape) + 1
            if value is None:
                value = 1
            elif isinstance(value, int) and not isinstance(value, bool) and -ndim <= value < 0:
                value += ndim
        if value != expected:
            return (
                f"{name}={written!r} differs from the {layer.type} block, which always uses "
                f"{name}={expected!r} (the class scores of each sample)."
            )
    return None


def _backbone_layer(call: LayerCall) -> ParsedLayer:
    """``backbone("resnet18", "DEFAULT")``, the exported helper's call, as a Backbone block."""
    spec = REGISTRY["Backbone"]
    names = ("model", "weights")
    if len(call.args) > len(names) or set(call.kwargs) - set(names):
        raise CodeImportError(
            "{where}backbone() takes a model name and a weights name.", where=call.where
        )
    values = {**dict(zip(names[: len(call.args)], call.args, strict=True)), **call.kwargs}
    params = spec.defaults()
    for name, value in values.items():
        problem = spec.param(name).problem(value)
        if problem is not None:
            raise CodeImportError("{where}{problem}", where=call.where, problem=problem)
        params[name] = value
    return ParsedLayer("Backbone", params, {}, {}, call)
