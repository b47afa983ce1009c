"""What a failed run tells the person, and what it gives back to the computer.

A non-finite loss and an out-of-memory error each become one ``TrainingError``
with advice; ``release_memory`` frees gradients and cached device memory so the
program goes on after either.
"""

from __future__ import annotations

import contextlib
import gc
import math

import torch

from studio.core.errors import TrainingError
from studio.core.project import TrainingConfig
from studio.core.training import factories


def non_finite_error(
    cfg: TrainingConfig, value: float, epoch: int, step: int | None
) -> TrainingError:
    """The loss became NaN or infinite at ``step`` of ``epoch`` (``None``: in validation)."""
    what = "NaN" if math.isnan(value) else "infinite"
    where = f"at step {step} of epoch {epoch}" if step else f"in the validation of epoch {epoch}"
    lr = factories.format_number(cfg.lr)
    suggestion = factories.suggest_lr(cfg.optimizer, cfg.lr)
    if suggestion < cfg.lr and cfg.lr > factories.USUAL_LR.get(cfg.optimizer, 0.001):
        advice = "The learning rate ({lr}) is probably too high; try {suggested}."
    else:
        advice = (
            "Try a lower learning rate than {lr} (for example {suggested}), or add "
            "BatchNorm layers."
        )
    return TrainingError(
        "The loss became {what} {where}. " + advice,
        what=what,
        where=where,
        lr=lr,
        suggested=factories.format_number(suggestion),
    )


def out_of_memory_error(batch: int, device: torch.device, step: int, epoch: int) -> TrainingError:
    where = "The computer" if device.type == "cpu" else f"The GPU ({device})"
    if batch > 1:
        advice = "Try batch size {half}, or a smaller network."
    else:
        advice = "Try a smaller network or smaller input images."
    return TrainingError(
        "{where} ran out of memory at step {step} of epoch {epoch} with batch size "
        "{batch}. " + advice,
        where=where,
        step=step,
        epoch=epoch,
        batch=batch,
        half=max(1, batch // 2),
    )


def is_out_of_memory(exc: BaseException) -> bool:
    oom = getattr(torch, "OutOfMemoryError", None)
    if oom is not None and isinstance(exc, oom):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and (
        "out of memory" in text or "can't allocate memory" in text
    )


def release_memory(optimizer: torch.optim.Optimizer | None) -> None:
    """After a failure: drop gradients and cached device memory so the program goes on."""
    if optimizer is not None:
        with contextlib.suppress(Exception):
            optimizer.zero_grad(set_to_none=True)
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    mps = getattr(torch, "mps", None)
    if mps is not None and factories.mps_available():
        with contextlib.suppress(Exception):
            mps.empty_cache()
