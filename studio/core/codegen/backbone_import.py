"""A torchvision model with a new classifier as a Backbone block plus head blocks, when exact.

``net = torchvision.models.resnet18(weights="DEFAULT")`` followed by
``net.fc = nn.Linear(512, 10)`` is torchvision's features and a new head. As a
``Backbone`` block (``studio.core.backbones``) plus the head's layers it is the
same network, same parameters and same forward, while staying one editable card
that can be frozen. Only when that holds: the features part must be torchvision's
own, untouched, and the head a plain chain of layers; otherwise ``None``, and the
importer keeps the traced layers.
"""

from __future__ import annotations

import ast
from typing import Any

from torch import nn

from studio.core import backbones
from studio.core.architecture import Architecture, Block
from studio.core.codegen.input_shape import describe
from studio.core.codegen.instance import Built
from studio.core.codegen.source import SourceReader
from studio.core.errors import StudioError
from studio.core.registry import Shape

_WEIGHT_ARGS = frozenset({"weights", "pretrained", "progress"})


def as_backbone(
    reader: SourceReader,
    built: Built,
    model: nn.Module,
    space: dict[str, Any],
    shape: Shape,
    notes: list[str],
) -> tuple[Architecture, dict] | None:
    """The Backbone + head architecture and its weights, or ``None`` if it would not be exact."""
    from studio.core.codegen import tracer

    name = built.maker
    if name not in backbones.MODELS or len(shape) != 3:
        return None
    weights = _weights_name(built.statement.value, space)
    if weights is False or not _untouched_features(name, model):
        return None
    head_name = next((h for h in backbones.HEADS if hasattr(model, h)), None)
    if head_name is None:
        return None
    params = {"model": name, "weights": weights, "train_last_stages": 0}
    try:
        features = backbones.shape_rule(shape, params)
        head = nn.Sequential(getattr(model, head_name)).eval()  # a lone Linear is traced too
        traced = tracer.trace(head, features, reader, f"{built.variable}.{head_name}")
        layers = [Block(p.type, dict(p.params)) for p in traced.layers]
        blocks = [Block(backbones.BLOCK, params), *layers]
        architecture = Architecture(shape, blocks)
    except (StudioError, tracer.TraceMisfit):
        return None
    feature_state = backbones.features(model).state_dict()
    state = {f"0.{k}": v.detach().clone() for k, v in feature_state.items()}
    for key, value in traced.state_dict().items():
        index, rest = key.split(".", 1)
        state[f"{int(index) + 1}.{rest}"] = value
    if not _fits(architecture, state, model):
        return None
    notes.extend(traced.notes)
    notes.append(
        f"Imported {name} as a Backbone block (torchvision's features, "
        f"{weights or 'random'} weights) plus the {len(traced.layers)} layer(s) of its "
        f"{head_name}: the same network as the file's, on input {describe(shape)}."
    )
    return architecture, state


def _weights_name(call: ast.expr, space: dict[str, Any]) -> str | bool | None:
    """The Backbone's ``weights`` from the call's ``weights=``/``pretrained=``; ``False`` if
    the call says something a Backbone cannot (``num_classes=10``, positional values)."""
    if not isinstance(call, ast.Call) or call.args:
        return False
    if any(k.arg not in _WEIGHT_ARGS for k in call.keywords):
        return False
    found: str | None = None
    for keyword in call.keywords:
        try:
            value = eval(compile(ast.Expression(keyword.value), "<weights>", "eval"), space)
        except Exception:  # the file already ran this line; anything odd: keep the traced layers
            return False
        if keyword.arg == "pretrained":
            found = "IMAGENET1K_V1" if value else found
        elif keyword.arg == "weights" and value is not None:
            found = value if isinstance(value, str) else getattr(value, "name", None)
            if found is None:
                return False
    if found is not None and found not in backbones.WEIGHT_NAMES:
        return False
    return found


def _untouched_features(name: str, model: nn.Module) -> bool:
    """Whether everything but the head is torchvision's own: same class, modules and shapes."""
    import torch
    import torchvision

    with torch.device("meta"):
        reference = torchvision.models.get_model(name, weights=None)
    if type(model) is not type(reference) or "forward" in vars(model):
        return False
    ours, theirs = backbones.features(model), backbones.features(reference)
    if [type(m) for m in ours.modules()] != [type(m) for m in theirs.modules()]:
        return False
    shapes = [(k, tuple(v.shape)) for k, v in ours.state_dict().items()]
    return shapes == [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]


def _fits(architecture: Architecture, state: dict, model: nn.Module) -> bool:
    """Same keys and shapes as the project's model, and torch's own parameter count."""
    import torch

    from studio.core.shapes import analyse

    with torch.device("meta"):
        expected = {k: tuple(v.shape) for k, v in architecture.build().state_dict().items()}
    if expected != {k: tuple(v.shape) for k, v in state.items()}:
        return False
    return analyse(architecture).total_params == sum(p.numel() for p in model.parameters())
