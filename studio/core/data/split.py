"""The stratified train/validation split, in plain numpy so exported scripts can repeat it."""

from __future__ import annotations

import numpy as np

SPLIT_SEED = 0
"""The split's own seed: independent of the training seed, so runs compare on the same images."""


def stratified_split(
    labels: np.ndarray, val_fraction: float, seed: int = SPLIT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Return sorted (train_idx, val_idx) that hold back ``val_fraction`` of every class.

    The algorithm, which an exported script repeats in a few lines of numpy::

        rng = np.random.default_rng(seed)
        for c in np.unique(labels):                 # classes in ascending order
            idx = rng.permutation(np.flatnonzero(labels == c))
            k = round(len(idx) * val_fraction)      # Python's round()
            val += idx[:k]; train += idx[k:]
        train, val = np.sort(train), np.sort(val)

    One generator is shared by all classes in that order, so the result depends
    only on the labels, the fraction and the seed.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in [0, 1), not {val_fraction}")
    labels = np.asarray(labels).ravel()
    rng = np.random.default_rng(seed)
    train: list[np.ndarray] = []
    val: list[np.ndarray] = []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        k = round(len(idx) * val_fraction)
        val.append(idx[:k])
        train.append(idx[k:])
    empty = np.empty(0, dtype=np.int64)
    train_idx = np.sort(np.concatenate(train)) if train else empty
    val_idx = np.sort(np.concatenate(val)) if val else empty
    return train_idx.astype(np.int64), val_idx.astype(np.int64)
