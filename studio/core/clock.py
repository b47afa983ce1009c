"""Durations the way a clock shows them, for the window and the command line alike."""

from __future__ import annotations

import math


def format_clock(seconds: float) -> str:
    """``1:05`` for 65 seconds, ``2:00:09`` past an hour; ``?`` when unknown (NaN)."""
    if not math.isfinite(seconds):
        return "?"
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
