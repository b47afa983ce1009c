"""Checks of the plain fields of a model file, so that nothing malformed gets further.

``torch.load(weights_only=True)`` guarantees only that no code ran: the dict may
still hold a string where a list belongs, NaN weights, or an epoch of 10¹⁵. Each
check here either returns clean values or raises one ``FileFormatError`` naming
the field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import torch

from studio.core.errors import FileFormatError

MAX_EPOCH = 1_000_000
"""Far beyond any real run (a project allows 100,000 epochs per run)."""
MAX_GLOBAL_STEP = 10**12
MAX_CLASSES = 100_000
_NUMBER_KEYS = ("train_loss", "val_loss", "seconds", "lr", "val_mae", "val_r2")
_FRACTION_KEYS = ("train_accuracy", "val_accuracy")


def is_number(value: Any) -> bool:
    """An int or float (not a bool) that converts to a float without overflow."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return isinstance(value, float) or value.bit_length() <= 63


def is_fraction(value: Any) -> bool:
    """An accuracy: NaN or a number from 0 to 1."""
    return is_number(value) and (math.isnan(value) or 0 <= value <= 1)


def whole_number(value: Any, low: int, high: int) -> bool:
    """An int (not a bool) in ``low..high``."""
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def check_version(value: Any, name: str) -> int:
    if not whole_number(value, 1, 1_000_000):
        raise FileFormatError("{name} has no valid format version.", name=name)
    return value


def check_classes(value: Any, name: str) -> list[str]:
    classes = [] if value is None else value
    if (
        not isinstance(classes, list)
        or len(classes) > MAX_CLASSES
        or not all(isinstance(c, str) for c in classes)
    ):
        raise FileFormatError("{name} has malformed class names.", name=name)
    return list(classes)


def check_normalization(
    value: Any, input_shape: tuple[int, ...], name: str
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(mean, std): both empty, or equally long lists of finite numbers with std > 0."""
    if value is None:
        return (), ()
    if not isinstance(value, Mapping):
        raise _bad_normalization(name)
    mean, std = value.get("mean", ()), value.get("std", ())
    if not _number_list(mean) or not _number_list(std) or len(mean) != len(std):
        raise _bad_normalization(name)
    channels = {1, input_shape[0]} if len(input_shape) == 3 else {1, 3}
    if mean and len(mean) not in channels:
        raise _bad_normalization(name)
    if any(not math.isfinite(v) for v in (*mean, *std)):
        raise _bad_normalization(name)
    if any(v <= 0 for v in std):
        raise FileFormatError(
            "{name} has a normalisation standard deviation of 0 or less, so every input would "
            "become NaN or infinite. The file is damaged; train the model again.",
            name=name,
        )
    return tuple(float(v) for v in mean), tuple(float(v) for v in std)


def _number_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and len(value) <= 4096 and all(map(is_number, value))


def _bad_normalization(name: str) -> FileFormatError:
    return FileFormatError(
        "{name} has malformed normalisation values: it needs a mean and a standard deviation "
        "per input channel.",
        name=name,
    )


def check_metrics(value: Any, name: str) -> list[dict[str, Any]]:
    """The per-epoch history: dicts with increasing whole epochs and numeric metrics."""
    history = [] if value is None else value
    if not isinstance(history, list) or len(history) > MAX_EPOCH:
        raise _bad_metrics(name)
    previous = 0
    for entry in history:
        if not isinstance(entry, dict):
            raise _bad_metrics(name)
        epoch = entry.get("epoch")
        if not whole_number(epoch, previous + 1, MAX_EPOCH):
            raise _bad_metrics(name)
        previous = epoch
        for key in _NUMBER_KEYS:
            if entry.get(key) is not None and not is_number(entry[key]):
                raise _bad_metrics(name)
        for key in _FRACTION_KEYS:
            if entry.get(key) is not None and not is_fraction(entry[key]):
                raise _bad_metrics(name)
        if not _number_dict(entry.get("per_class_accuracy")):
            raise _bad_metrics(name)
        if entry.get("confusion") is not None and not _square_counts(entry["confusion"]):
            raise _bad_metrics(name)
    return [dict(entry) for entry in history]


def _number_dict(value: Any) -> bool:
    if value is None:
        return True
    return isinstance(value, dict) and all(v is None or is_fraction(v) for v in value.values())


def _square_counts(value: Any) -> bool:
    if not isinstance(value, list) or len(value) > MAX_CLASSES:
        return False
    return all(
        isinstance(row, list)
        and len(row) == len(value)
        and all(whole_number(v, 0, 1 << 62) for v in row)
        for row in value
    )


def _bad_metrics(name: str) -> FileFormatError:
    return FileFormatError(
        "{name} has a malformed metric history (each epoch needs a whole epoch number, in "
        "order, and numeric values). The file is damaged; use another copy.",
        name=name,
    )


def check_resume(value: Any, name: str) -> dict[str, Any] | None:
    """The training state: plausible whole numbers, and dicts where dicts belong.

    Returns a copy without the keys whose value is None, so code reading it can
    rely on "missing or valid".
    """
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _bad_resume(name)
    state = {k: v for k, v in value.items() if v is not None}
    counts = {"epoch": MAX_EPOCH, "global_step": MAX_GLOBAL_STEP, "end_epoch": MAX_EPOCH}
    for key, high in counts.items():
        if key in state and not whole_number(state[key], 0, high):
            raise _bad_resume(name)
    for key in ("plan", "optimizer", "scheduler", "rng"):
        if key in state and not isinstance(state[key], dict):
            raise _bad_resume(name)
    for part, key in (
        ("plan", "total_steps"),
        ("scheduler", "last_epoch"),
        ("scheduler", "total_steps"),
    ):
        number = state.get(part, {}).get(key)
        if number is not None and not whole_number(number, -1, MAX_GLOBAL_STEP):
            raise _bad_resume(name)
    planned = state.get("plan", {}).get("total_steps")
    if planned is not None and state.get("global_step", 0) > planned:
        raise _bad_resume(name)  # more steps done than the run ever planned
    return state


def _bad_resume(name: str) -> FileFormatError:
    return FileFormatError(
        "{name} has a malformed or implausible training state (epoch, step or schedule), so "
        "its run cannot be continued. Train from the project instead.",
        name=name,
    )


def check_finite(state_dict: Mapping[str, torch.Tensor], name: str) -> None:
    """Refuse NaN or infinite weights: every prediction would be NaN."""
    for key, tensor in state_dict.items():
        if tensor.is_floating_point() and tensor.numel() and not torch.isfinite(tensor).all():
            raise FileFormatError(
                "The weights {key} in {name} contain NaN or infinite values, so the model "
                "cannot give meaningful predictions. Use an earlier copy or train it again.",
                key=key,
                name=name,
            )


def check_state_entries(state_dict: Any, allowed: Sequence[torch.dtype], name: str) -> None:
    """Plain string keys and dense tensors of the allowed dtypes."""
    if not isinstance(state_dict, Mapping):
        raise FileFormatError("{name} has no weights.", name=name)
    for key, tensor in state_dict.items():
        if not isinstance(key, str) or not isinstance(tensor, torch.Tensor):
            raise FileFormatError("{name} has weights that are not plain tensors.", name=name)
        if tensor.layout != torch.strided or tensor.dtype not in allowed:
            raise FileFormatError(
                "{name} has an unsupported tensor {key} ({kind}); only dense tensors are read.",
                name=name,
                key=key,
                kind=str(tensor.layout if tensor.layout != torch.strided else tensor.dtype),
            )
