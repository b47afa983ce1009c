"""Pretrained torchvision classifiers as one block: their pooled features, without the head.

A ``Backbone`` block is torchvision's own model minus its classifier (``fc`` or
``classifier``), plus a Flatten: the output is the pooled feature vector and the
next Linear infers its ``in_features`` as usual. Shapes and parameter counts come
from a meta-device instance, cached per model, so validating reads no weights.
The weights themselves are loaded by ``studio.core.backbone_weights`` when
training starts. Torch and torchvision are imported on first use only.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from functools import cache, lru_cache
from typing import Any

from studio.core.block_rules import Shape, format_shape
from studio.core.errors import ArchitectureError

BLOCK = "Backbone"
MODELS: tuple[str, ...] = (
    "resnet18",
    "resnet34",
    "resnet50",
    "mobilenet_v3_small",
    "mobilenet_v3_large",
    "efficientnet_b0",
    "vgg11",
    "vgg16",
)
WEIGHT_NAMES: tuple[str, ...] = ("DEFAULT", "IMAGENET1K_V1", "IMAGENET1K_V2")
"""The torchvision weights enum names the block offers; each model has some of them."""
HEADS = ("fc", "classifier")
"""The child a torchvision classifier keeps its head in; the block leaves it out."""
MIN_SIDE = 32
"""Every offered model gives at least a 1×1 map at 32×32 (VGG halves the side five times)."""
REFERENCE_SIDE = 224
"""The input side torchvision's published operation counts are measured at."""


def features(model: Any) -> Any:
    """``model`` without its classifier, flattened: an ``nn.Sequential`` keeping torchvision's
    child names (``conv1``, ``layer1``…, ``features``, ``avgpool``), so state_dict keys match."""
    from torch import nn

    parts = OrderedDict((n, m) for n, m in model.named_children() if n not in HEADS)
    parts["flatten"] = nn.Flatten(1)
    return nn.Sequential(parts)


def build(in_shape: Shape, params: Mapping[str, Any]) -> Any:
    """The block's module, randomly initialised (pretrained weights load at training)."""
    import torchvision

    return features(torchvision.models.get_model(str(params["model"]), weights=None))


@cache
def _meta_info(model_name: str) -> tuple[int, int]:
    """(feature count, parameter count) of the features part, from a meta-device instance."""
    import torch

    with torch.device("meta"):
        module = build((3, REFERENCE_SIDE, REFERENCE_SIDE), {"model": model_name})
        out = module(torch.empty(1, 3, REFERENCE_SIDE, REFERENCE_SIDE))
    return int(out.shape[1]), sum(p.numel() for p in module.parameters())


def shape_rule(in_shape: Shape, params: Mapping[str, Any]) -> Shape:
    """The pooled feature vector, for colour images large enough for the model's strides."""
    name = str(params.get("model"))
    if len(in_shape) != 3 or in_shape[0] != 3:
        raise ArchitectureError(
            "Backbone {model} needs colour images (3 channels, height and width), not {shape}. "
            "Change the network's input.",
            model=name,
            shape=format_shape(in_shape),
        )
    check_weights_name(name, params.get("weights"))
    if not _fits(name, in_shape[1], in_shape[2]):
        raise ArchitectureError(
            "Backbone {model} cannot take {shape} images: they are too small for its "
            "downsampling. Use a larger input, such as 3×{side}×{side}.",
            model=name,
            shape=format_shape(in_shape),
            side=MIN_SIDE,
        )
    return (_meta_info(name)[0],)


@lru_cache(maxsize=512)
def _fits(model_name: str, height: int, width: int) -> bool:
    """Whether a meta-device forward pass at this size works (no allocation, no weights)."""
    if min(height, width) >= MIN_SIDE:
        return True
    import torch

    try:
        with torch.device("meta"):
            _meta_module(model_name)(torch.empty(1, 3, height, width))
    except (RuntimeError, ValueError):
        return False
    return True


def check_weights_name(model_name: str, weights: Any) -> None:
    """Refuse a weights name the model does not have (resnet18 has no IMAGENET1K_V2)."""
    if weights is None or weights == "DEFAULT":
        return
    offered = weight_names(model_name)
    if weights not in offered:
        raise ArchitectureError(
            "{model} has no {weights} weights; choose {offered}, or none for random weights.",
            model=model_name,
            weights=weights,
            offered=", ".join(("DEFAULT", *offered)),
        )


@cache
def weight_names(model_name: str) -> tuple[str, ...]:
    from torchvision.models import get_model_weights

    return tuple(w.name for w in get_model_weights(model_name))


def count_rule(in_shape: Shape, params: Mapping[str, Any]) -> int:
    return _meta_info(str(params["model"]))[1]


def macs_rule(in_shape: Shape, out_shape: Shape, params: Mapping[str, Any]) -> int:
    """torchvision's published operation count at 224×224, scaled to this input's area."""
    from torchvision.models import get_model_weights

    ops = get_model_weights(str(params["model"])).DEFAULT.meta.get("_ops", 0.0)
    return int(ops * 1e9 * in_shape[1] * in_shape[2] / REFERENCE_SIDE**2)


# --- stages: what "train the last N stages" means for each family --------------------


def stage_names(model_name: str) -> list[list[str]]:
    """The backbone's stages in order, each a list of child names of the features module.

    ResNet: ``layer1``…``layer4``; MobileNet and EfficientNet: the blocks of
    ``features`` after the stem (``features.1``…); VGG: the convolution blocks, each
    ending in its max-pool. The stem (what comes before the first stage) counts as
    part of the first stage when every stage trains.
    """
    if model_name.startswith("resnet"):
        return [[f"layer{i}"] for i in range(1, 5)]
    module = _meta_module(model_name)
    children = [str(i) for i in range(len(module.features))]
    if model_name.startswith("vgg"):
        from torch import nn

        stages: list[list[str]] = [[]]
        for index, child in enumerate(module.features):
            stages[-1].append(f"features.{index}")
            if isinstance(child, nn.MaxPool2d):
                stages.append([])
        return [s for s in stages if s]
    return [[f"features.{c}"] for c in children[1:]]


@cache
def _meta_module(model_name: str) -> Any:
    import torch

    with torch.device("meta"):
        return build((3, REFERENCE_SIDE, REFERENCE_SIDE), {"model": model_name}).eval()


def trained_parts(model_name: str, last_stages: int) -> list[str] | None:
    """Names of the parts that train when the last ``last_stages`` stages do; ``None``: all."""
    stages = stage_names(model_name)
    if last_stages >= len(stages):
        return None
    if last_stages <= 0:
        return []
    return [name for stage in stages[-last_stages:] for name in stage]


def stage_count(model_name: str) -> int:
    return len(stage_names(model_name))


def output_features(model_name: str) -> int:
    return _meta_info(model_name)[0]


def trained_count(model_name: str, last_stages: int) -> int:
    """Parameters that train in a frozen Backbone whose last ``last_stages`` stages train."""
    parts = trained_parts(model_name, last_stages)
    if parts is None:
        return _meta_info(model_name)[1]
    module = _meta_module(model_name)
    return sum(p.numel() for name in parts for p in module.get_submodule(name).parameters())


def trainable_params(blocks: Any, layer_params: Any) -> int:
    """Parameters that training changes: frozen layers left out, a partly trained
    Backbone counted by its training stages. ``layer_params``: each layer's count."""
    total = 0
    for block, count in zip(blocks, layer_params, strict=True):
        if not block.frozen:
            total += count
        elif block.type == BLOCK and count:
            total += trained_count(str(block.params["model"]), _stages(block.params))
    return total


def _stages(params: Mapping[str, Any]) -> int:
    return int(params.get("train_last_stages") or 0)
