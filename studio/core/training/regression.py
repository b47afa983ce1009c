"""Regression on a CSV table: the losses, the validation metrics and the epoch's records.

The targets arrive standardised (``LoadedData.target_mean``/``target_std``), so the
losses are on that scale, which keeps learning rates that suit classification
working here too. MAE, R² and the predicted-vs-true pairs are turned back into the
target's own units. The best epoch is the one with the lowest validation loss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.nn import functional as nnf

from studio.core.errors import TrainingError
from studio.core.shapes import resolve_loss
from studio.core.training.events import MAX_SCATTER_POINTS, EpochEnded
from studio.core.training.factories import LossFn

LOSSES = ("mse", "l1", "smooth_l1")
"""The losses that compare a predicted number with a true one."""
LOSS_TITLES = {
    "mse": "mean squared error",
    "l1": "L1 (mean absolute error)",
    "smooth_l1": "smooth L1",
}
_FUNCTIONS = {"mse": nnf.mse_loss, "l1": nnf.l1_loss, "smooth_l1": nnf.smooth_l1_loss}


def resolve_task_loss(task: str, asked: str, blocks: Sequence[Any]) -> str:
    """The loss a run uses: ``auto`` is MSE for regression; a loss that cannot serve the
    task is refused in one sentence."""
    if task == "regression":
        if asked == "auto":
            return "mse"
        if asked not in LOSSES:
            raise TrainingError(
                "The target is a number (regression), which the {loss} loss cannot learn; "
                "choose the MSE, L1 or Smooth L1 loss (Automatic picks MSE).",
                loss=asked,
            )
        return asked
    resolved = resolve_loss(asked, tuple(blocks))
    if resolved in ("l1", "smooth_l1"):
        raise TrainingError(
            "The {loss} loss is for regression, but this dataset has classes; choose "
            "Automatic, cross-entropy, NLL or MSE.",
            loss=resolved,
        )
    return resolved


def make_loss(name: str) -> LossFn:
    """``(output (N, 1), targets (N,)) -> mean loss``."""
    function = _FUNCTIONS[name]

    def regression_loss(output: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        return function(output.reshape(targets.shape), targets)

    return regression_loss


def loss_notes(asked: str, name: str) -> list[str]:
    if asked == "auto":
        return ["The target is a number, so the loss is the mean squared error (MSE)."]
    return []


@dataclass(frozen=True)
class Scores:
    """One validation pass: the loss (standardised scale) and the rest in the target's units."""

    loss: float
    mae: float
    r2: float
    predicted: np.ndarray
    true: np.ndarray


def evaluate(run: Any) -> Scores:
    """Validation loss, MAE and R², with every prediction (one copy to the CPU)."""
    model = getattr(run.model, "module", run.model)  # the plain module under DDP
    model.eval()
    try:
        with torch.inference_mode():
            loss_sum = torch.zeros((), dtype=torch.float64, device=run.device)
            outputs, targets = [], []
            for x, y in run.val_loader:
                out = model(x)
                loss_sum += run.loss_fn(out, y).double() * y.shape[0]
                outputs.append(out.reshape(-1))
                targets.append(y)
            loss = float(loss_sum) / run.val_loader.num_samples
            scale, shift = run.data.target_std, run.data.target_mean
            predicted = torch.cat(outputs).double().cpu().numpy() * scale + shift
            true = torch.cat(targets).double().cpu().numpy() * scale + shift
    finally:
        model.train()
    return Scores(loss, *mae_and_r2(predicted, true), predicted, true)


def mae_and_r2(predicted: np.ndarray, true: np.ndarray) -> tuple[float, float]:
    """Mean absolute error, and R² = 1 - SS_res / SS_tot (NaN when every true value is equal)."""
    if len(true) == 0:
        return math.nan, math.nan
    errors = predicted - true
    total = float(np.sum((true - true.mean()) ** 2))
    r2 = 1.0 - float(np.sum(errors**2)) / total if total > 0 else math.nan
    return float(np.mean(np.abs(errors))), r2


def scatter_points(values: np.ndarray) -> np.ndarray:
    """At most ``MAX_SCATTER_POINTS`` values, evenly spread, in validation order."""
    if len(values) <= MAX_SCATTER_POINTS:
        return values
    keep = np.linspace(0, len(values) - 1, MAX_SCATTER_POINTS).astype(np.int64)
    return values[keep]


def is_best(history: list[dict[str, Any]], val_loss: float) -> bool:
    """Lower than every earlier epoch's validation loss (the first epoch always is)."""
    earlier = [float(h["val_loss"]) for h in history if h.get("val_loss") is not None]
    return not earlier or val_loss < min(earlier)


def history_entry(
    epoch: int, train_loss: float, scores: Scores, seconds: float, lr: float
) -> dict[str, Any]:
    """The epoch's metrics as the history keeps them (accuracies NaN, no per-class)."""
    return {
        "epoch": epoch,
        "train_loss": train_loss,
        "train_accuracy": math.nan,
        "val_loss": scores.loss,
        "val_accuracy": math.nan,
        "val_mae": scores.mae,
        "val_r2": scores.r2,
        "per_class_accuracy": {},
        "seconds": seconds,
        "lr": lr,
        "confusion": [],
    }


def epoch_event(
    epoch: int,
    train_loss: float,
    scores: Scores,
    lr: float,
    seconds: float,
    samples_per_second: float,
    best: bool,
) -> EpochEnded:
    return EpochEnded(
        epoch=epoch,
        train_loss=train_loss,
        train_accuracy=math.nan,
        val_loss=scores.loss,
        val_accuracy=math.nan,
        per_class_accuracy={},
        confusion=np.zeros((0, 0), dtype=np.int64),
        lr=lr,
        seconds=seconds,
        samples_per_second=samples_per_second,
        is_best=best,
        val_predictions=scatter_points(scores.predicted),
        task="regression",
        val_mae=scores.mae,
        val_r2=scores.r2,
        val_targets=scatter_points(scores.true),
    )
