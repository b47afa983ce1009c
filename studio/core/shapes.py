"""Shape inference and diagnosis, fast enough to run on every keystroke.

For every layer: its output shape, parameter count, activation memory per
sample and multiply-accumulates, computed from the registry without torch. An
invalid stack gets per-layer diagnostics in plain words, each with a one-click
fix where one exists.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

from studio.core.block import Block
from studio.core.errors import ArchitectureError
from studio.core.registry import BlockSpec, Shape, format_shape, get_spec

if TYPE_CHECKING:
    from studio.core.architecture import Architecture

log = logging.getLogger(__name__)

BYTES_PER_VALUE = 4  # float32


@dataclass(frozen=True)
class FixAction:
    """One edit of a fix: ``insert`` (index, block_type, params), ``remove`` (index),
    ``set`` (index, name, value) or ``replace`` (index, block_type, the params it keeps)."""

    kind: Literal["insert", "remove", "set", "replace"]
    index: int
    block_type: str = ""
    name: str = ""
    value: Any = None
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fix:
    label: str
    label_args: Mapping[str, Any]
    actions: tuple[FixAction, ...]

    @property
    def text(self) -> str:
        return self.label.format(**self.label_args)


@dataclass(frozen=True)
class Diagnostic:
    """A problem at one layer (``index`` -1 means the input or the whole network)."""

    index: int
    severity: Literal["error", "warning"]
    template: str
    args: Mapping[str, Any]
    fix: Fix | None = None

    @property
    def message(self) -> str:
        return self.template.format(**self.args)


@dataclass(frozen=True)
class LayerInfo:
    index: int
    type: str
    input_shape: Shape | None
    output_shape: Shape | None
    params: int
    memory_bytes: int
    macs: int


@dataclass(frozen=True)
class Report:
    input_shape: Shape
    layers: tuple[LayerInfo, ...]
    diagnostics: tuple[Diagnostic, ...]

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def total_params(self) -> int:
        return sum(layer.params for layer in self.layers)

    @property
    def total_macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def activation_bytes(self) -> int:
        """Activation memory of one sample in a forward pass, input included."""
        return BYTES_PER_VALUE * math.prod(self.input_shape) + sum(
            layer.memory_bytes for layer in self.layers
        )

    @property
    def output_shape(self) -> Shape | None:
        return self.layers[-1].output_shape if self.layers else self.input_shape

    def diagnostics_at(self, index: int) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.index == index)

    def to_json(self) -> dict[str, Any]:
        def diag(d: Diagnostic) -> dict[str, Any]:
            out: dict[str, Any] = {"index": d.index, "message": d.message}
            if d.fix:
                out["fix"] = d.fix.text
            return out

        return {
            "input_shape": list(self.input_shape),
            "output_shape": list(self.output_shape) if self.output_shape else None,
            "total_params": self.total_params,
            "total_macs": self.total_macs,
            "activation_bytes_per_sample": self.activation_bytes,
            "layers": [
                {
                    "index": layer.index,
                    "type": layer.type,
                    "output_shape": list(layer.output_shape) if layer.output_shape else None,
                    "params": layer.params,
                    "memory_bytes": layer.memory_bytes,
                    "macs": layer.macs,
                }
                for layer in self.layers
            ],
            "errors": [diag(d) for d in self.errors],
            "warnings": [diag(d) for d in self.warnings],
        }


def count_params(block: Block, in_shape: Shape) -> int:
    """Learnable parameters of one block, from its registry entry."""
    return get_spec(block.type).count_params(in_shape, block.params)


def analyse(
    arch: Architecture,
    loss: str | None = None,
    num_classes: int | None = None,
    *,
    task: str = "classification",
) -> Report:
    """Infer every layer's shape and cost, and diagnose what does not fit.

    ``loss`` (``cross_entropy``, ``nll``, ``mse`` or ``auto``) and ``num_classes``
    enable the checks that depend on training: a Softmax before cross-entropy, and
    an output size that differs from the number of classes. ``task="regression"``
    instead asks for one output value (a CSV table's numeric target).
    """
    diagnostics: list[Diagnostic] = []
    layers: list[LayerInfo] = []
    shape: Shape | None = arch.input_shape
    blocks = arch.blocks
    for index, block in enumerate(blocks):
        spec = get_spec(block.type)
        in_shape = shape
        out_shape: Shape | None = None
        params = macs = 0
        if in_shape is not None:
            for pspec in spec.params:
                problem = pspec.problem(block.params.get(pspec.name, pspec.default))
                if problem is not None:
                    diagnostics.append(Diagnostic(index, "error", problem.template, problem.args))
                    break
            else:
                try:
                    out_shape = output_shape(spec, in_shape, block.params)
                except ArchitectureError as error:
                    diagnostics.append(
                        Diagnostic(
                            index,
                            "error",
                            error.template,
                            error.args_map,
                            _fix_for(block, index, in_shape),
                        )
                    )
                else:
                    if min(out_shape) < 1:
                        diagnostics.append(
                            Diagnostic(
                                index,
                                "error",
                                "The output would be empty ({shape}). Use a smaller kernel or "
                                "stride, or add padding.",
                                {"shape": format_shape(out_shape)},
                            )
                        )
                        out_shape = None
                    else:
                        params = count_params(block, in_shape)
                        if spec.macs_rule:
                            macs = spec.macs_rule(in_shape, out_shape, block.params)
        memory = BYTES_PER_VALUE * math.prod(out_shape) if out_shape else 0
        layers.append(LayerInfo(index, block.type, in_shape, out_shape, params, memory, macs))
        shape = out_shape

    if not diagnostics:
        if task == "regression":
            diagnostics.extend(_regression_checks(blocks, layers, arch.input_shape))
        else:
            diagnostics.extend(_network_checks(blocks, layers, arch.input_shape, loss, num_classes))
    diagnostics.extend(_warnings(blocks))
    return Report(arch.input_shape, tuple(layers), tuple(diagnostics))


def output_shape(spec: BlockSpec, in_shape: Shape, params: Mapping[str, Any]) -> Shape:
    """The block's output shape, refusing an input rank its entry does not list.

    The entry's own rule speaks first, since it can say more ("Insert a Flatten");
    a rule that does not check ranks still never sees one its block cannot take.
    """
    if len(in_shape) not in spec.ranks:
        try:
            spec.shape_rule(in_shape, params)  # raises its own ArchitectureError, if it has one
        except ArchitectureError:
            raise
        except Exception:  # a rule written for its own ranks only; the generic sentence says it
            log.debug("the %s shape rule failed on %s", spec.type, in_shape, exc_info=True)
        raise ArchitectureError(
            "{block} cannot take a {shape} input. Change the layers before it, or remove it.",
            block=spec.type,
            shape=format_shape(in_shape),
        )
    return spec.shape_rule(in_shape, params)


def _fix_for(block: Block, index: int, in_shape: Shape) -> Fix | None:
    """The one-click fix for a block that does not fit: the registry says which."""
    spec = get_spec(block.type)
    rank = len(in_shape)
    if rank not in spec.ranks:
        twin = spec.twins.get(rank)
        if twin:
            kept = {p.name for p in get_spec(twin).params}  # the settings both blocks have
            params = {name: value for name, value in block.params.items() if name in kept}
            return Fix(
                "Replace it with {block}",
                {"block": twin},
                (FixAction("replace", index, block_type=twin, params=params),),
            )
        if spec.ranks == (1,):
            return Fix(
                "Insert a Flatten before layer {index}",
                {"index": index},
                (FixAction("insert", index, block_type=FLATTEN),),
            )
        return _remove(index)
    if "kernel_size" in block.params and rank >= 2:
        return _kernel_fix(spec.category, block, index, in_shape[1:])
    return None


def _kernel_fix(category: str, block: Block, index: int, sides: Shape) -> Fix:
    fitting = min(sides) + 2 * int(block.params.get("padding", 0))
    fitting //= int(block.params.get("dilation", 1))
    if category == "pooling":  # pooling padding is at most half the kernel
        fitting = min(fitting, min(sides))
    if fitting >= 1:
        return Fix(
            "Set kernel_size to {k}",
            {"k": fitting},
            (FixAction("set", index, name="kernel_size", value=fitting),),
        )
    return _remove(index)


def _remove(index: int) -> Fix:
    return Fix("Remove layer {index}", {"index": index}, (FixAction("remove", index),))


FLATTEN, LINEAR, RELU, LOG_SOFTMAX, SOFTMAX = "Flatten", "Linear", "ReLU", "LogSoftmax", "Softmax"
"""The blocks the network-wide checks and their fixes speak of."""


def resolve_loss(loss: str | None, blocks: tuple[Block, ...]) -> str:
    """``auto`` means NLL when the network ends in LogSoftmax, else cross-entropy."""
    if loss in (None, "auto"):
        return "nll" if blocks and blocks[-1].type == LOG_SOFTMAX else "cross_entropy"
    return loss


def _network_checks(
    blocks: tuple[Block, ...],
    layers: list[LayerInfo],
    input_shape: Shape,
    loss: str | None,
    num_classes: int | None,
) -> list[Diagnostic]:
    out = layers[-1].output_shape if layers else input_shape
    last = len(blocks) - 1
    if out is not None and len(out) != 1:
        return [_not_flat_end(out, last, num_classes)]
    found: list[Diagnostic] = []
    if loss is not None and blocks:
        resolved = resolve_loss(loss, blocks)
        if resolved == "cross_entropy" and blocks[-1].type in (SOFTMAX, LOG_SOFTMAX):
            found.append(
                Diagnostic(
                    last,
                    "error",
                    "{block} at the end is wrong for cross-entropy loss, which already applies "
                    "log-softmax to raw scores. Remove this layer.",
                    {"block": blocks[-1].type},
                    Fix("Remove layer {index}", {"index": last}, (FixAction("remove", last),)),
                )
            )
        if resolved == "nll" and blocks[-1].type != LOG_SOFTMAX:
            found.append(
                Diagnostic(
                    last,
                    "error",
                    "NLL loss expects log-probabilities, but the network does not end with "
                    "LogSoftmax. Add a LogSoftmax layer at the end.",
                    {},
                    Fix(
                        "Add LogSoftmax at the end",
                        {},
                        (FixAction("insert", last + 1, block_type=LOG_SOFTMAX),),
                    ),
                )
            )
    if num_classes is not None and out is not None and out[0] != num_classes:
        target = _last_linear(blocks)
        found.append(
            Diagnostic(
                target if target is not None else last,
                "error",
                "The network ends with {n} outputs, but the dataset has {classes} classes. "
                "Make the last Linear layer output {classes} features.",
                {"n": out[0], "classes": num_classes},
                Fix(
                    "Set out_features to {classes}",
                    {"classes": num_classes},
                    (FixAction("set", target, name="out_features", value=num_classes),),
                )
                if target is not None
                else None,
            )
        )
    return found


def _regression_checks(
    blocks: tuple[Block, ...], layers: list[LayerInfo], input_shape: Shape
) -> list[Diagnostic]:
    """A regression network must end with exactly one value per sample."""
    out = layers[-1].output_shape if layers else input_shape
    last = len(blocks) - 1
    if out is None or tuple(out) == (1,):
        return []
    if len(out) != 1:
        return [_not_flat_end(out, last, 1)]
    target = _last_linear(blocks)
    return [
        Diagnostic(
            target if target is not None else last,
            "error",
            "The network ends with {n} outputs, but a regression predicts one number. "
            "Make the last Linear layer output 1 feature.",
            {"n": out[0]},
            Fix(
                "Set out_features to {classes}",
                {"classes": 1},
                (FixAction("set", target, name="out_features", value=1),),
            )
            if target is not None
            else None,
        )
    ]


def _not_flat_end(out: Shape, last: int, num_classes: int | None) -> Diagnostic:
    return Diagnostic(
        last,
        "error",
        "The network ends with a {shape} tensor, but a classifier must end with one "
        "score per class. Add a Flatten and a Linear layer at the end.",
        {"shape": format_shape(out)},
        Fix(
            "Add Flatten and Linear at the end",
            {},
            (
                FixAction("insert", last + 1, block_type=FLATTEN),
                FixAction(
                    "insert",
                    last + 2,
                    block_type=LINEAR,
                    params={"out_features": num_classes or 10},
                ),
            ),
        ),
    )


def _last_linear(blocks: tuple[Block, ...]) -> int | None:
    for index in range(len(blocks) - 1, -1, -1):
        if blocks[index].type == LINEAR:
            return index
        if get_spec(blocks[index].type).reshapes:
            return None
    return None


def _separates_linears(block: Block) -> bool:
    """A block between two Linear layers that keeps them from acting as one."""
    spec = get_spec(block.type)
    return spec.reshapes or spec.category in ("activation", "output")


def _warnings(blocks: tuple[Block, ...]) -> list[Diagnostic]:
    found = []
    previous_linear = None
    for index, block in enumerate(blocks):
        if block.type == LINEAR:
            if previous_linear is not None:
                found.append(
                    Diagnostic(
                        index,
                        "warning",
                        "Two Linear layers with no activation between them (layers {a} and "
                        "{b}) work like one Linear layer. Add a ReLU between them if you want "
                        "more capacity.",
                        {"a": previous_linear, "b": index},
                        Fix(
                            "Insert a ReLU before layer {index}",
                            {"index": index},
                            (FixAction("insert", index, block_type=RELU),),
                        ),
                    )
                )
            previous_linear = index
        elif _separates_linears(block):
            previous_linear = None
    return found


class FixTarget(Protocol):
    """What a fix edits: an ``Architecture``, or the window's undoable document."""

    def insert(self, index: int, block: Block) -> None: ...

    def remove(self, index: int) -> Any: ...

    def set_param(self, index: int, name: str, value: Any) -> None: ...


def apply_fix(target: FixTarget, fix: Fix) -> None:
    """Apply a fix's edits in order; the one place that knows what each action means."""
    for action in fix.actions:
        if action.kind == "insert":
            target.insert(action.index, Block.create(action.block_type, **dict(action.params)))
        elif action.kind == "remove":
            target.remove(action.index)
        elif action.kind == "set":
            target.set_param(action.index, action.name, action.value)
        elif action.kind == "replace":
            target.remove(action.index)
            target.insert(action.index, Block.create(action.block_type, **dict(action.params)))
