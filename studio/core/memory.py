"""Will a network fit in memory? Estimated from the shape report, before anything is allocated.

A file can claim a network of any size (a 10¹²-parameter Linear costs a few bytes of
JSON). Building it first would take minutes or end the process, so every place that
builds a network asks here first, with the numbers the shape report already has.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from studio.core.errors import ArchitectureError, Message
from studio.core.shapes import BYTES_PER_VALUE, Report

TRAINING_COPIES_PER_PARAMETER = 4
"""Weights, gradients and two optimizer moments (Adam) per parameter while training."""
ACTIVATION_COPIES_WHEN_TRAINING = 3
"""Forward activations, kept for the backward pass, plus their gradients (roughly)."""


def machine_memory_bytes() -> int:
    """Physical memory, or the container's limit when that is lower (0 if unknown)."""
    total = 0
    with contextlib.suppress(ValueError, OSError, AttributeError):
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    limit = _cgroup_limit()
    if limit and (not total or limit < total):
        return limit
    return total


def _cgroup_limit() -> int:
    for name in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        with contextlib.suppress(OSError, ValueError):
            text = Path(name).read_text().strip()
            if text.isdigit() and int(text) < 1 << 60:
                return int(text)
    return 0


def device_memory_bytes(device: Any = None) -> tuple[int, Message]:
    """(bytes, description) of the memory a device offers; the CPU's is the machine's."""
    kind = getattr(device, "type", None) or str(device or "cpu").split(":")[0]
    if kind == "cuda":
        import torch

        with contextlib.suppress(RuntimeError, AssertionError, AttributeError):
            index = getattr(device, "index", None)
            index = torch.cuda.current_device() if index is None else index
            memory = torch.cuda.get_device_properties(index).total_memory
            return memory, Message("the GPU {name}", {"name": f"cuda:{index}"})
    return machine_memory_bytes(), Message("this computer")


def estimate_bytes(report: Report, batch_size: int = 1, training: bool = False) -> tuple[int, int]:
    """(parameter bytes, activation bytes) for one forward pass (or training step)."""
    params = report.total_params * BYTES_PER_VALUE
    activations = report.activation_bytes * max(1, batch_size)
    if training:
        params *= TRAINING_COPIES_PER_PARAMETER
        activations *= ACTIVATION_COPIES_WHEN_TRAINING
    return params, activations


def check_fits(
    report: Report, batch_size: int = 1, device: Any = None, training: bool = False
) -> None:
    """Refuse a network whose parameters plus activations exceed the device's memory."""
    available, where = device_memory_bytes(device)
    if not available:
        return  # unknown: let the allocation itself decide
    params, activations = estimate_bytes(report, batch_size, training)
    if params + activations <= available:
        return
    smaller_batch_fits = params + estimate_bytes(report, 1, training)[1] <= available
    raise ArchitectureError(
        "This network needs about {need} of memory ({params} for its {count} parameters, "
        "{acts} for the activations of a batch of {batch}), more than the {have} of {where}. "
        "{advice}",
        need=format_bytes(params + activations),
        params=format_bytes(params),
        count=f"{report.total_params:,}",
        acts=format_bytes(activations),
        batch=batch_size,
        have=format_bytes(available),
        where=where,
        advice=_advice(smaller_batch_fits),
    )


def _advice(smaller_batch_fits: bool) -> Message:
    if smaller_batch_fits:
        return Message("Lower the batch size or make the network smaller.")
    return Message("Make the network smaller: fewer features, channels or a smaller input.")


def format_bytes(count: int) -> str:
    """Bytes as B, KB, MB, GB, TB or PB (powers of 1000)."""
    value = float(count)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:,.1f} PB"
