"""Classification metrics as small pure functions over label tensors and confusion matrices.

Rows of a confusion matrix are the true class, columns the predicted class. A
class with no validation samples has no accuracy: ``per_class_accuracy`` gives
NaN for it and ``per_class_dict`` leaves it out (so JSON stays valid).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch


def confusion_matrix(true: torch.Tensor, pred: torch.Tensor, num_classes: int) -> torch.Tensor:
    """K×K int64 counts on the labels' device, with one ``bincount`` of ``true*K + pred``."""
    k = num_classes
    flat = true.reshape(-1).to(torch.int64) * k + pred.reshape(-1).to(torch.int64)
    return torch.bincount(flat, minlength=k * k).reshape(k, k)


def per_class_accuracy(confusion: torch.Tensor) -> torch.Tensor:
    """Recall of every class (diagonal / row sum) as float64; NaN where a row is empty."""
    counts = confusion.to(torch.float64)
    totals = counts.sum(dim=1)
    return counts.diagonal() / totals  # 0/0 is NaN: no samples, no accuracy


def accuracy(confusion: torch.Tensor) -> float:
    """Overall accuracy: the diagonal over all samples; NaN for an empty matrix."""
    total = int(confusion.sum())
    return int(confusion.diagonal().sum()) / total if total else math.nan


def per_class_dict(confusion: torch.Tensor, classes: Sequence[str]) -> dict[str, float]:
    """``{class name: accuracy}`` for the classes that have at least one sample."""
    values = per_class_accuracy(confusion.cpu()).tolist()
    return {name: v for name, v in zip(classes, values, strict=True) if not math.isnan(v)}
