"""Everything a training run needs before its first batch, built from the project.

``prepare`` checks the network's size, loads and checks the data, builds and
initialises the model (restoring a model file's run when resuming), the batch
loaders, the optimizer and the learning-rate schedule. It checks for Stop
between the slow steps through ``checkpoint``.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from studio.core import backbone_weights
from studio.core.architecture import Architecture
from studio.core.data.base import LoadedData
from studio.core.data.batches import BatchLoader
from studio.core.data.streaming_loader import is_streamed, stream_loaders
from studio.core.errors import ArchitectureError, DatasetError
from studio.core.initialisation import initialise
from studio.core.io.initial_weights import start_from_initial_weights
from studio.core.memory import check_fits
from studio.core.project import Project, TrainingConfig
from studio.core.registry import format_shape
from studio.core.shapes import Report, analyse
from studio.core.training import factories, regression
from studio.core.training.checkpoint import (
    Restored,
    fast_forward,
    reset_hyperparameters,
    restore,
    restore_rng,
    schedule_plan,
)
from studio.core.training.finetune import FineTuning

log = logging.getLogger(__name__)

EVAL_MEMORY_BUDGET = 128 * 1024 * 1024
"""Activation bytes one validation batch may use; sets the (large) evaluation batch size."""
MAX_EVAL_BATCH = 2048

Scheduler = torch.optim.lr_scheduler.LRScheduler


@dataclass
class Run:
    """Everything ``prepare`` builds for the loop."""

    data: LoadedData
    device: torch.device
    model: torch.nn.Sequential
    optimizer: torch.optim.Optimizer
    scheduler: Scheduler | None
    loss_name: str
    loss_fn: factories.LossFn
    train_loader: BatchLoader
    val_loader: BatchLoader
    generator: torch.Generator
    first_epoch: int
    end_epoch: int
    steps_per_epoch: int
    total_steps: int
    plan: dict[str, Any]
    restored: Restored
    notes: list[str] = field(default_factory=list)
    finetune: Any = None
    """The run's ``FineTuning``: frozen layers, two stages, the feature cache."""


@dataclass(frozen=True)
class Request:
    """What the trainer was asked for, beyond the project (see ``Trainer``)."""

    data: LoadedData | None = None
    resume_from: Any = None
    epochs: int | None = None
    device: str | None = None
    download: bool = True
    data_root: Path | None = None


def prepare(project: Project, request: Request, checkpoint: Callable[[], None]) -> Run:
    """Load and check the data and network, then build model, optimizer and schedule."""
    cfg, arch = project.training, project.architecture
    device = factories.resolve_device(request.device or cfg.device)
    # before loading data or allocating: a network a file merely claims may not fit
    check_fits(analyse(arch), cfg.batch_size, device, training=True)
    pretrained = backbone_weights.fetch_all(arch)  # before the data: offline, say so at once
    checkpoint()
    data = request.data or _load_data(project, request, checkpoint)
    checkpoint()
    check_data(data, arch.input_shape)
    report = _checked_report(arch, cfg, data.num_classes, data.task)
    loss_name = regression.resolve_task_loss(data.task, cfg.loss, arch.blocks)
    if data.is_regression:
        notes = list(data.notes) + regression.loss_notes(cfg.loss, loss_name)
        loss_fn = regression.make_loss(loss_name)
    else:
        notes = list(data.notes) + _loss_notes(cfg.loss, loss_name)
        loss_fn = factories.make_loss(loss_name, data.num_classes)
    if data.loading is not None:  # an image folder: preloaded or streamed, and why
        notes.insert(0, data.loading.note())
    data = _weights_normalisation(arch, data, notes)
    checkpoint()

    torch.manual_seed(cfg.seed)
    model = arch.build()
    initialise(model, arch.blocks, cfg.init, cfg.bias_init)  # the project's and each layer's
    backbone_weights.load_into(model, pretrained)
    if request.resume_from is None:  # an imported model's traced weights (io.initial_weights)
        start_from_initial_weights(model, project, notes)
    generator = torch.Generator().manual_seed(cfg.seed)
    restored = restore(model, request.resume_from, notes)
    tuning = FineTuning(model, arch, cfg)
    if len(arch.input_shape) == 3:
        # Channels-last weights let oneDNN (and cuDNN) pick faster convolution kernels:
        # LeNet on 2 CPU cores trains ~8 % faster. Linear-only networks are unaffected.
        model.to(device, memory_format=torch.channels_last)
    else:
        model.to(device)
    train_loader, val_loader = _loaders(project, data, report, device, generator)
    tuning.prepare_cache((train_loader, val_loader), (data.mean, data.std), device, notes)
    steps_per_epoch = len(train_loader)
    resume = (request.resume_from.resume if request.resume_from else None) or {}
    epochs = _epochs(request.epochs, resume, restored.first_epoch, cfg)
    end_epoch = restored.first_epoch + epochs - 1
    optimizer, scheduler, total = build_optimization(
        model,
        cfg,
        resume,
        steps_per_epoch,
        restored.global_step,
        epochs,
        end_epoch,
        generator,
        notes,
        params=tuning.param_groups(),
    )
    return Run(
        data=data,
        device=device,
        model=model,
        optimizer=optimizer,
        scheduler=scheduler,
        loss_name=loss_name,
        loss_fn=loss_fn,
        train_loader=train_loader,
        val_loader=val_loader,
        generator=generator,
        first_epoch=restored.first_epoch,
        end_epoch=end_epoch,
        steps_per_epoch=steps_per_epoch,
        total_steps=total,
        plan=schedule_plan(cfg, steps_per_epoch, total),
        restored=restored,
        notes=notes,
        finetune=tuning,
    )


def _load_data(project: Project, request: Request, checkpoint: Callable[[], None]) -> LoadedData:
    from studio.core.data import load_dataset

    return load_dataset(
        project.dataset,
        project.architecture.input_shape,
        download=request.download,
        root=request.data_root,
        checkpoint=checkpoint,
    )


def _checked_report(
    arch: Architecture, cfg: TrainingConfig, num_classes: int, task: str = "classification"
) -> Report:
    if task == "regression":
        report = analyse(arch, None, None, task=task)
    else:
        report = analyse(arch, cfg.loss, num_classes)
    if report.errors:
        first = report.errors[0]
        if first.index < 0:
            raise ArchitectureError("{message}", message=first.message)
        raise ArchitectureError(
            "Layer {index} ({block}): {message}",
            index=first.index,
            block=arch[first.index].type,
            message=first.message,
        )
    return report


def _loss_notes(asked: str, loss_name: str) -> list[str]:
    if asked == "auto" and loss_name == "nll":
        return ["The network ends in LogSoftmax, so the loss is negative log-likelihood (NLL)."]
    if loss_name == "mse":
        return [
            "The loss is the mean squared error between the network's outputs and one-hot targets."
        ]
    return []


def _loaders(
    project: Project,
    data: LoadedData,
    report: Report,
    device: torch.device,
    generator: torch.Generator,
) -> tuple[BatchLoader, BatchLoader]:
    batch = project.training.batch_size
    if is_streamed(data.train_images):  # decoded per batch from disk (data/streaming*.py)
        return stream_loaders(
            data,
            batch,
            eval_batch_size(report.activation_bytes, batch),
            device,
            generator,
            project.dataset.augment_crop,
            project.dataset.augment_flip,
        )
    train_loader = BatchLoader(
        data.train_images,
        data.train_labels,
        batch,
        shuffle=True,
        generator=generator,
        device=device,
        mean=data.mean,
        std=data.std,
        augment_crop=project.dataset.augment_crop,
        augment_flip=project.dataset.augment_flip,
        # a last batch of one sample breaks BatchNorm in training mode
        drop_last=int(data.train_images.shape[0]) % batch == 1,
    )
    val_loader = BatchLoader(
        data.val_images,
        data.val_labels,
        eval_batch_size(report.activation_bytes, batch),
        shuffle=False,
        device=device,
        mean=data.mean,
        std=data.std,
    )
    return train_loader, val_loader


def _epochs(
    asked: int | None, resume: dict[str, Any], first_epoch: int, cfg: TrainingConfig
) -> int:
    """Epochs this run trains: as asked, else the rest of a resumed plan, else the settings."""
    if asked is not None:
        return asked
    if resume and int(resume.get("end_epoch", 0)) >= first_epoch:
        return int(resume["end_epoch"]) - first_epoch + 1
    return cfg.epochs


def build_optimization(
    model: torch.nn.Module,
    cfg: TrainingConfig,
    resume: dict[str, Any],
    steps_per_epoch: int,
    global_step: int,
    epochs: int,
    end_epoch: int,
    generator: torch.Generator,
    notes: list[str],
    params: Any = None,
) -> tuple[torch.optim.Optimizer, Scheduler | None, int]:
    """Optimizer and schedule; a resumed run continues them exactly when the plan is
    unchanged, else keeps the optimizer's moments and fast-forwards a new schedule.

    ``params`` are the parameters (or groups) to optimise; default: all of the model's."""
    params = list(model.parameters()) if params is None else params
    saved_plan = resume.get("plan")
    if isinstance(saved_plan, dict) and isinstance(saved_plan.get("total_steps"), int):
        exact = _continue_exactly(params, cfg, resume, saved_plan, steps_per_epoch, end_epoch)
        if exact is not None:
            restore_rng(resume, generator)
            return exact
    total = global_step + epochs * steps_per_epoch
    optimizer = _restored_optimizer(params, cfg, resume, saved_plan, notes)
    scheduler = factories.make_scheduler(optimizer, cfg, steps_per_epoch, total)
    if scheduler is not None and global_step:
        fast_forward(scheduler, min(global_step, total))
        notes.append(
            "The learning-rate schedule was planned again for this run's settings and epochs."
        )
    if resume:
        restore_rng(resume, generator)
    return optimizer, scheduler, total


def _continue_exactly(
    params: Any,
    cfg: TrainingConfig,
    resume: dict[str, Any],
    saved_plan: dict[str, Any],
    steps_per_epoch: int,
    end_epoch: int,
) -> tuple[torch.optim.Optimizer, Scheduler | None, int] | None:
    """The saved optimizer and schedule, when this run has the same plan; else ``None``."""
    total = saved_plan["total_steps"]
    unchanged = saved_plan == schedule_plan(cfg, steps_per_epoch, total)
    if not unchanged or resume.get("end_epoch") != end_epoch:
        return None
    optimizer = factories.make_optimizer(params, cfg)
    scheduler = factories.make_scheduler(optimizer, cfg, steps_per_epoch, total)
    try:
        optimizer.load_state_dict(resume["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(resume["scheduler"])
    except (ValueError, KeyError, TypeError, RuntimeError, IndexError):
        log.warning("could not restore the saved run exactly", exc_info=True)
        return None
    return optimizer, scheduler, total


def _restored_optimizer(
    params: Any,
    cfg: TrainingConfig,
    resume: dict[str, Any],
    saved_plan: Any,
    notes: list[str],
) -> torch.optim.Optimizer:
    """A new optimizer that keeps the saved moment estimates when it is the same kind."""
    optimizer = factories.make_optimizer(params, cfg)
    state = resume.get("optimizer")
    if not isinstance(state, dict):
        return optimizer
    same_kind = isinstance(saved_plan, dict) and saved_plan.get("optimizer") == cfg.optimizer
    if same_kind:
        try:
            optimizer.load_state_dict(state)
        except (ValueError, KeyError, TypeError, RuntimeError, IndexError):
            log.warning("could not restore the optimizer state", exc_info=True)
            optimizer = factories.make_optimizer(params, cfg)
        else:
            reset_hyperparameters(optimizer)
            return optimizer
    notes.append("The optimizer's saved state does not fit it now, so it starts afresh.")
    return optimizer


def _weights_normalisation(arch: Architecture, data: LoadedData, notes: list[str]) -> LoadedData:
    """A pretrained Backbone at the start sees images normalised as its weights expect."""
    mean, std, note = backbone_weights.weights_normalisation(arch)
    if not note:
        return data
    notes.append(note)
    return dataclasses.replace(data, mean=mean, std=std)


def check_data(data: LoadedData, input_shape: tuple[int, ...]) -> None:
    if data.train_images.shape[0] == 0:
        raise DatasetError(
            "The training split has no images; add images or lower the validation fraction."
        )
    if data.val_images.shape[0] == 0:
        raise DatasetError(
            "The validation split has no images; raise the validation fraction or add images."
        )
    if tuple(data.sample_shape) != tuple(input_shape):
        raise DatasetError(
            "The data has samples of shape {data}, but the network takes {net}; reload the data "
            "for this network.",
            data=format_shape(tuple(data.sample_shape)),
            net=format_shape(tuple(input_shape)),
        )


def eval_batch_size(activation_bytes: int, train_batch: int) -> int:
    """As large as the memory budget allows: fewer, larger batches evaluate faster."""
    fit = EVAL_MEMORY_BUDGET // max(1, activation_bytes)
    return int(max(train_batch, min(MAX_EVAL_BATCH, fit)))
