"""The network as a readable ``nn.Sequential(...)`` a learner can paste.

Every argument comes from the registry: inferred sizes from the shape analysis,
editable ones from the block, fixed ones from ``fixed_args``. Arguments equal to
torch's default are left out, as a careful person would write them. The layers
are plain positional entries, so the ``state_dict`` keys match the app's model.
"""

from __future__ import annotations

from typing import Any

from studio.core.architecture import Architecture, Block
from studio.core.backbones import BLOCK
from studio.core.codegen.script_finetune import backbone_call
from studio.core.errors import ArchitectureError
from studio.core.registry import REQUIRED, Shape, format_shape, get_spec
from studio.core.shapes import analyse

MAX_POSITIONAL = 2
"""Bare numbers written before the keywords: ``nn.Conv2d(1, 6, kernel_size=5)``.
A third bare number would leave the reader guessing which is which."""

INDENT = "    "


def model_definition(arch: Architecture, *, name: str = "model") -> str:
    """``name = nn.Sequential(...)`` with the input shape and each layer's output shape.

    Shapes are written ``6x28x28`` (not ``×``): the text is Python a learner runs and lints.

    Raises ``ArchitectureError`` naming the first layer that does not fit, as
    ``Architecture.build`` does: its arguments could not be known.
    """
    report = analyse(arch)
    for layer in report.layers:
        if layer.output_shape is None:
            problems = [d.message for d in report.diagnostics_at(layer.index)]
            raise ArchitectureError(
                "Layer {index} ({block}): {message}",
                index=layer.index,
                block=layer.type,
                message=problems[0] if problems else "it does not fit its input.",
            )
    head = f"{name} = nn.Sequential(  # input: {_describe(arch.input_shape)}"
    if not arch.blocks:
        return f"{name} = nn.Sequential()  # input: {_describe(arch.input_shape)}\n"
    calls = [
        layer_call(block, layer.input_shape)
        for block, layer in zip(arch.blocks, report.layers, strict=True)
        if layer.input_shape is not None
    ]
    width = max(len(call) for call in calls) + 1
    lines = [head]
    for call, layer in zip(calls, report.layers, strict=True):
        shape = _code_shape(layer.output_shape or ())
        lines.append(f"{INDENT}{call + ',':<{width}}  # -> {shape}")
    lines.append(")")
    return "\n".join(lines) + "\n"


def model_module(arch: Architecture, *, name: str = "model") -> str:
    """The model definition as a file of its own: imports, the ``backbone()`` helper a
    Backbone needs, then ``name = nn.Sequential(...)`` (what ``export --model-only`` writes)."""
    from studio.core.codegen.script_finetune import has_backbone, helper

    imports = (
        "import torchvision\nfrom torch import nn\n"
        if has_backbone(arch)
        else "from torch import nn\n"
    )
    extra = helper(arch).strip("\n")
    body = f"\n\n{extra}\n\n\n" if extra else "\n"
    return f"{imports}{body}{model_definition(arch, name=name)}"


def layer_call(block: Block, in_shape: Shape) -> str:
    """``nn.Conv2d(1, 6, kernel_size=5, padding=2)`` for one block and its input shape."""
    spec = get_spec(block.type)
    if block.type == BLOCK:
        return backbone_call(block.params)  # a helper the exported script defines
    values: dict[str, Any] = {**spec.infer(in_shape), **block.params, **spec.fixed_args}
    defaults = {p.name: p.torch_default for p in spec.params}
    order = [*spec.positional]
    order += [p.name for p in spec.params if p.name not in order]
    order += [name for name in spec.fixed_args if name not in order]
    args: list[str] = []
    keywords = False
    for position, arg in enumerate(order):
        value = values.get(arg)
        if arg in defaults and _is_default(value, defaults[arg]):
            keywords = True  # a later argument can no longer go by position
            continue
        if keywords or arg not in spec.positional or position >= MAX_POSITIONAL:
            keywords = True
            args.append(f"{arg}={_literal(value)}")
        else:
            args.append(_literal(value))
    return f"nn.{spec.torch_class}({', '.join(args)})"


def _is_default(value: Any, default: Any) -> bool:
    if default is REQUIRED:
        return False
    if isinstance(value, bool) != isinstance(default, bool):
        return False
    return value == default


def _literal(value: Any) -> str:
    return repr(value)


def _describe(shape: Shape) -> str:
    return _code_shape(shape) if len(shape) > 1 else f"{shape[0]} features"


def _code_shape(shape: Shape) -> str:
    """``16x5x5``: an ASCII x in code comments, which linters (ruff RUF003) accept."""
    return format_shape(shape).replace("×", "x")
