"""Feature maps of every layer for one probe image, captured with forward hooks.

As torchinfo does: run under ``inference_mode`` in eval mode, remove the hooks
and restore the train/eval mode in ``finally``. Only the copies to the CPU cost
anything, so each map is capped at ``MAX_CHANNELS`` channels and ``MAX_SIDE``
pixels a side (pooled down) and ``MAX_FEATURES`` values for flat layers.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn
from torch.nn import functional as nnf

MAX_CHANNELS = 64
MAX_SIDE = 64
MAX_FEATURES = 4096


def capture_feature_maps(model: nn.Sequential, x: torch.Tensor) -> dict[int, np.ndarray]:
    """Layer index -> that layer's output for the single input ``x`` (1, …), as float32 numpy."""
    outputs: dict[int, torch.Tensor] = {}
    handles = []
    was_training = model.training

    def hook_for(index: int):
        def hook(_module: nn.Module, _inputs: object, output: torch.Tensor) -> None:
            outputs[index] = _shrink(output[0].detach())

        return hook

    try:
        for index, layer in enumerate(model):
            handles.append(layer.register_forward_hook(hook_for(index)))
        model.eval()
        with torch.inference_mode():
            model(x)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return {i: t.to("cpu", torch.float32).numpy() for i, t in outputs.items()}


def _shrink(t: torch.Tensor) -> torch.Tensor:
    """Keep a map small: the first channels, pooled to at most MAX_SIDE a side."""
    if t.ndim == 2:  # a signal: the first channels, averaged to at most MAX_SIDE long
        t = t[:MAX_CHANNELS]
        if t.shape[1] > MAX_SIDE:
            t = nnf.adaptive_avg_pool1d(t.float(), MAX_SIDE)
        return t.clone()
    if t.ndim == 3:
        t = t[:MAX_CHANNELS]
        h, w = t.shape[1:]
        if max(h, w) > MAX_SIDE:
            size = (max(1, h * MAX_SIDE // max(h, w)), max(1, w * MAX_SIDE // max(h, w)))
            t = nnf.adaptive_avg_pool2d(t.float(), size)
        return t.clone()
    return t.reshape(-1)[:MAX_FEATURES].clone()
