"""Per-channel mean and standard deviation of uint8 images, without a float copy of them all."""

from __future__ import annotations

import torch

CHUNK = 2048
MIN_STD = 1e-6


def channel_stats(
    images: torch.Tensor, chunk: int = CHUNK
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Mean and std per channel on the 0..1 scale; one value for flat (N, F) inputs
    and (N, C, L) signals.

    Sums run in float64 over chunks of ``chunk`` images, so CIFAR-10 needs about
    25 MB at a time rather than a 600 MB float copy. A constant channel gets std 1.0 so
    normalising never divides by zero.
    """
    if images.ndim == 4:
        channels, dims = images.shape[1], (0, 2, 3)
    elif images.ndim in (2, 3):  # flat vectors and (C, L) signals: one value for all
        channels, dims = 1, tuple(range(images.ndim))
    else:
        raise ValueError(f"expected (N, C, H, W), (N, C, L) or (N, F), got {tuple(images.shape)}")
    total = torch.zeros(channels, dtype=torch.float64)
    squares = torch.zeros(channels, dtype=torch.float64)
    count = 0
    for start in range(0, images.shape[0], chunk):
        # float32 holds 0..255 and its squares exactly; the sums run in float64.
        part = images[start : start + chunk].to(torch.float32)
        total += part.sum(dim=dims, dtype=torch.float64).reshape(channels)
        squares += part.square().sum(dim=dims, dtype=torch.float64).reshape(channels)
        count += part.numel() // channels
    if count == 0:
        return (0.0,) * channels, (1.0,) * channels
    mean = total / count
    var = (squares / count - mean.square()).clamp_min(0.0)
    std = var.sqrt() / 255.0
    std = torch.where(std < MIN_STD, torch.ones_like(std), std)
    return tuple((mean / 255.0).tolist()), tuple(std.tolist())
