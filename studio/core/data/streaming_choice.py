"""Preload an image folder or stream it from disk: decided from its decoded size and free memory.

Preloading (decode once into uint8 tensors, slice whole batches) is the fast path;
it is chosen whenever the decoded images fit in ``MEMORY_SHARE`` of the memory the
machine has free. A folder that would not fit is streamed: decoded per batch from
disk, so memory stays flat however many images there are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

AUTO, PRELOAD, STREAM = "auto", "preload", "stream"
LOADING_MODES = (AUTO, PRELOAD, STREAM)
MEMORY_SHARE = 0.5
"""The share of free memory preloaded images may take: training, the window and the
rest of the machine need the other half."""
MEMINFO = Path("/proc/meminfo")


@dataclass(frozen=True)
class LoadingChoice:
    """The mode chosen for one folder and the numbers it was chosen on."""

    mode: str
    """``preload`` or ``stream``."""
    images: int
    needed: int
    """Bytes the decoded images take (images × C×H×W at the network's input size)."""
    available: int | None
    """Bytes of memory free when loading, or None where the system does not say."""
    forced: bool
    """The project's ``loading`` setting asked for this mode."""

    @property
    def stream(self) -> bool:
        return self.mode == STREAM

    def note(self) -> str:
        """One sentence for the training notes: which mode, and why, with the numbers."""
        need = f"{self.images:,} images need {format_bytes(self.needed)} decoded"
        free = (
            f"{format_bytes(self.available)} is free"
            if self.available is not None
            else "the free memory is unknown"
        )
        if self.forced:
            where = "Streaming from disk" if self.stream else "Preloading into memory"
            return f"{where}, as the project's loading setting asks ({need}; {free})."
        if self.stream:
            return f"Streaming from disk: {need}, {free}."
        return f"Preloading into memory: {need}, {free}."


def decoded_bytes(images: int, sample_shape: tuple[int, ...]) -> int:
    """uint8 bytes of ``images`` decoded images of ``sample_shape`` (C, H, W)."""
    return int(images) * math.prod(int(d) for d in sample_shape)


def choose_loading(
    setting: str, images: int, sample_shape: tuple[int, ...], available: int | None
) -> LoadingChoice:
    """Preload when the decoded images fit in ``MEMORY_SHARE`` of ``available``, else stream.

    ``setting`` (``auto``, ``preload`` or ``stream``) forces a mode unless ``auto``.
    With no figure for free memory, ``auto`` preloads, as before streaming existed.
    """
    needed = decoded_bytes(images, sample_shape)
    if setting in (PRELOAD, STREAM):
        return LoadingChoice(setting, images, needed, available, forced=True)
    fits = available is None or needed <= available * MEMORY_SHARE
    return LoadingChoice(PRELOAD if fits else STREAM, images, needed, available, forced=False)


def available_memory(meminfo: Path = MEMINFO) -> int | None:
    """Bytes the system could give without swapping (``MemAvailable``), or None if unknown."""
    try:
        text = meminfo.read_text(encoding="ascii", errors="replace")
    except OSError:
        return _sysconf_available()
    for line in text.splitlines():
        if line.startswith("MemAvailable:"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1]) * 1024
    return _sysconf_available()


def _sysconf_available() -> int | None:
    """Free physical pages (macOS and BSDs have no /proc/meminfo)."""
    import os

    try:
        pages, size = os.sysconf("SC_AVPHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def format_bytes(count: int) -> str:
    """``3.0 GB``, ``301 MB``, ``12 KB``: decimal units, as file managers show sizes."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if count >= size:
            value = count / size
            return f"{value:.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{count} bytes"
