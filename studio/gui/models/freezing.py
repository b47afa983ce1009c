"""What a card and the summary say about frozen layers: trainable counts and a short note.

A frozen layer trains nothing, except a Backbone told to train its last stages: then
those stages train and the card says so ("last 2 stages train").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication


def trained_stages(block: Any) -> int:
    """The last stages of a frozen Backbone that still train (0 for any other layer)."""
    if not block.frozen:
        return 0
    value = block.params.get("train_last_stages")
    return int(value) if isinstance(value, int) and value > 0 else 0


def trainable_params(block: Any, layer: Any) -> int:
    """Parameters of this layer that train: all of them, none when frozen, or the last
    stages' share of a partly trainable Backbone (counted by the core without weights)."""
    from studio.core import backbones

    params = layer.params if layer is not None else 0
    return backbones.trainable_params([block], [params])


def frozen_note(block: Any, layer: Any = None) -> str:
    """The card's words on a frozen layer ("frozen", "frozen, last 2 stages train"); empty
    when the layer trains as usual."""
    if not block.frozen:
        return ""
    stages = trained_stages(block)
    if stages == 1:
        return QCoreApplication.translate("Freezing", "frozen, last stage trains")
    if stages > 1:
        return QCoreApplication.translate("Freezing", "frozen, last {n} stages train").format(
            n=stages
        )
    return QCoreApplication.translate("Freezing", "frozen")


def trainable_total(architecture: Any, report: Any) -> int:
    """Parameters of the whole network that train."""
    from studio.core import backbones

    counts = [layer.params for layer in report.layers]
    counts += [0] * (len(architecture) - len(counts))
    return backbones.trainable_params(list(architecture), counts[: len(architecture)])
