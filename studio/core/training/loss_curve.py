"""The training-loss curve a model file keeps: one [step, loss, lr] point per training step.

Bounded: when it passes ``max_points`` the older half is halved by averaging pairs of
points, so a long run keeps its whole curve, coarser at the start and exact at the end.
The format is the one model files always had (a list of ``[step, loss, lr]`` lists), so
files saved before per-step curves open unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MAX_CURVE_POINTS = 4000
"""Training-loss points a model file keeps (~100 KB): plenty for a curve of any run."""


def append_steps(
    curve: list[list[float]],
    first_step: int,
    losses: np.ndarray,
    lrs: Sequence[float] | np.ndarray,
    max_points: int = MAX_CURVE_POINTS,
) -> list[list[float]]:
    """``curve`` with one point per step appended (step ``first_step`` onwards), thinned to
    at most ``max_points``; returns the list to keep (the same one unless it was thinned)."""
    step = float(first_step)
    for loss, lr in zip(np.asarray(losses, np.float64).tolist(), list(lrs), strict=True):
        curve.append([step, float(loss), float(lr)])
        step += 1.0
    while len(curve) > max(2, int(max_points)):
        curve = _halve_oldest(curve)
    return curve


def _halve_oldest(curve: list[list[float]]) -> list[list[float]]:
    """Merge the oldest half's points in pairs: the later step and rate, the mean loss."""
    half = (len(curve) // 2) & ~1
    merged = [
        [b[0], 0.5 * (a[1] + b[1]), b[2]]
        for a, b in zip(curve[0:half:2], curve[1:half:2], strict=True)
    ]
    return merged + curve[half:]
