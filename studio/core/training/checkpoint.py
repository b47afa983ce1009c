"""What resuming needs, as plain dicts that ``torch.load(weights_only=True)`` accepts.

A model file's ``resume`` dict holds (all optional but ``epoch``):

- ``epoch``: the last completed epoch whose weights are in the file;
- ``global_step``: batches trained up to then;
- ``end_epoch``: the epoch the interrupted run meant to end at;
- ``plan``: the settings the schedule was built from (``schedule_plan``); when a
  resumed run has the same plan, optimizer and scheduler continue exactly, else the
  optimizer keeps its moment estimates and the schedule is rebuilt and fast-forwarded;
- ``optimizer`` / ``scheduler``: their ``state_dict()`` on the CPU;
- ``rng``: the torch and shuffle generator states (uint8 tensors).
"""

from __future__ import annotations

import contextlib
import copy
import warnings
from dataclasses import dataclass, field
from typing import Any

import torch

from studio.core.errors import TrainingError
from studio.core.project import TrainingConfig

_SCHEDULER_GROUP_KEYS = ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum")


def to_cpu(value: Any) -> Any:
    """A deep copy of nested dicts/lists/tuples with every tensor cloned onto the CPU."""
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", copy=True)
    if isinstance(value, dict):
        return {k: to_cpu(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_cpu(v) for v in value]
    if isinstance(value, tuple):
        return tuple(to_cpu(v) for v in value)
    return copy.copy(value)


def schedule_plan(config: TrainingConfig, steps_per_epoch: int, total_steps: int) -> dict:
    """The settings a schedule and optimizer depend on; equal plans resume exactly."""
    return {
        "optimizer": config.optimizer,
        "schedule": config.schedule,
        "lr": config.lr,
        "momentum": config.momentum,
        "nesterov": config.nesterov,
        "weight_decay": config.weight_decay,
        "step_size": config.step_size,
        "gamma": config.gamma,
        "steps_per_epoch": steps_per_epoch,
        "total_steps": total_steps,
    }


def reset_hyperparameters(optimizer: torch.optim.Optimizer) -> None:
    """After loading an old state: take lr, momentum, betas… from the new settings again.

    The moment estimates stay; the keys an old schedule wrote into the groups go,
    so a new schedule starts from the configured rate rather than the old one.
    """
    fresh = {k: v for k, v in optimizer.defaults.items() if k != "params"}
    for group in optimizer.param_groups:
        for key in _SCHEDULER_GROUP_KEYS:
            group.pop(key, None)
        group.update(copy.deepcopy(fresh))


def fast_forward(scheduler: torch.optim.lr_scheduler.LRScheduler, steps: int) -> None:
    """Put a fresh schedule where it would be after ``steps`` batches, in one step.

    The schedule's position is set directly (StepLR and cosine have closed forms,
    one-cycle computes its rate from the position), so a resume step count of any
    size costs the same; it is also bounded by the schedule's own length.
    """
    steps = max(0, int(steps))
    total = getattr(scheduler, "total_steps", None)
    if isinstance(total, int):
        steps = min(steps, total)
    if steps == 0:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch deprecates step(epoch); it is the direct way
        scheduler.step(steps)


# --- restoring a run -------------------------------------------------------------------


@dataclass
class Snapshot:
    """Weights and resume state at one moment, all on the CPU."""

    epoch: int
    val_accuracy: float | None
    state_dict: dict[str, torch.Tensor]
    resume: dict[str, Any]


@dataclass
class Restored:
    """Where a resumed run starts: its epoch and step, history, loss curve and best so far."""

    first_epoch: int = 1
    global_step: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    loss_curve: list[list[float]] = field(default_factory=list)
    best: Snapshot | None = None


def restore(model: torch.nn.Module, source: Any, notes: list[str]) -> Restored:
    """Load a model file's weights into ``model`` and read where its run stopped.

    ``source`` is a ``ModelFile`` (``state_dict``, ``resume``, ``metrics``,
    ``loss_curve``) or ``None`` for a fresh run.
    """
    if source is None:
        return Restored()
    load_weights(model, source.state_dict)
    resume = source.resume
    if not resume:
        notes.append(
            "The model file has no training state, so only its weights are used; "
            "training starts at epoch 1."
        )
        return Restored()
    first_epoch = int(resume.get("epoch", 0)) + 1
    global_step = int(resume.get("global_step", 0))
    history = [
        copy.deepcopy(h)
        for h in source.metrics
        if isinstance(h, dict) and int(h.get("epoch", 0)) < first_epoch
    ]
    notes.append(f"Resuming after epoch {first_epoch - 1}.")
    entry = next((h for h in history if h.get("epoch") == first_epoch - 1), None)
    best = Snapshot(
        epoch=first_epoch - 1,
        val_accuracy=entry.get("val_accuracy") if entry else None,
        state_dict=to_cpu(source.state_dict),
        resume=to_cpu(resume),
    )
    curve = [list(p) for p in source.loss_curve if p[0] <= global_step]
    return Restored(first_epoch, global_step, history, curve, best)


def restore_rng(resume: dict[str, Any], generator: torch.Generator) -> None:
    rng = resume.get("rng")
    if not isinstance(rng, dict):
        return
    with contextlib.suppress(TypeError, RuntimeError, ValueError):
        if isinstance(rng.get("torch"), torch.Tensor):
            torch.set_rng_state(rng["torch"])
        if isinstance(rng.get("shuffle"), torch.Tensor):
            generator.set_state(rng["shuffle"])


def load_weights(model: torch.nn.Module, state_dict: dict[str, torch.Tensor]) -> None:
    try:
        model.load_state_dict(state_dict)
    except RuntimeError:
        raise TrainingError(
            "The weights in the model file do not fit this network; resume with the project "
            "they were trained with."
        ) from None
