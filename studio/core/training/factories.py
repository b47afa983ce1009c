"""Optimizer, schedule, loss, weight-init and device choices, each from the project's settings.

Kept apart from the loop so the exported script can mirror them line by line:

- optimizers: ``sgd`` (``momentum``, ``nesterov``), ``adam``, ``adamw``, ``rmsprop``,
  ``adagrad``; every one takes ``lr`` and ``weight_decay``; momentum applies to SGD only.
- schedules are all stepped once per batch: ``step`` multiplies the rate by ``gamma``
  every ``step_size`` epochs, ``cosine`` anneals to 0 over the run, ``onecycle`` is
  torch's ``OneCycleLR`` with ``lr`` as its peak (it also cycles SGD momentum or Adam's
  beta1 between 0.85 and 0.95, as torch does).
- losses: ``cross_entropy`` on raw scores, ``nll`` on log-probabilities (chosen
  automatically when the network ends in LogSoftmax), ``mse`` between the network's
  output and one-hot targets (on probabilities when the network ends in Softmax).
- init (blocks the registry marks ``init``: convolutions and Linear): ``kaiming``
  (normal, fan-in, for ReLU), ``xavier`` (uniform), ``normal`` (mean 0, std 0.01); biases
  keep torch's init unless the Bias init says ``zeros``. A layer's own ``init`` wins
  (``studio.core.initialisation``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import torch
from torch import nn
from torch.nn import functional as nnf

from studio.core.errors import ArchitectureError, TrainingError
from studio.core.initialisation import NORMAL_INIT_STD as NORMAL_INIT_STD  # re-exported
from studio.core.initialisation import apply_layer_init, project_init
from studio.core.project import TrainingConfig
from studio.core.registry import REGISTRY

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

ONECYCLE_MOMENTUM = (0.85, 0.95)

LOSS_TITLES = {
    "cross_entropy": "cross-entropy",
    "nll": "negative log-likelihood (NLL)",
    "mse": "mean squared error against one-hot targets",
}

USUAL_LR = {"sgd": 0.01, "adam": 0.001, "adamw": 0.001, "rmsprop": 0.001, "adagrad": 0.01}
"""A safe starting learning rate per optimizer, suggested after a NaN loss."""


def make_optimizer(params: Iterable[nn.Parameter], config: TrainingConfig) -> torch.optim.Optimizer:
    """The optimizer named by ``config.optimizer`` with its learning rate and weight decay."""
    name, lr, decay = config.optimizer, config.lr, config.weight_decay
    if name == "sgd":
        if config.nesterov and config.momentum <= 0:
            raise TrainingError(
                "Nesterov momentum needs a momentum above 0; set the momentum (0.9 is usual) "
                "or turn Nesterov off."
            )
        return torch.optim.SGD(
            params, lr=lr, momentum=config.momentum, nesterov=config.nesterov, weight_decay=decay
        )
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=decay)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=decay)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=decay)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, weight_decay=decay)
    raise TrainingError(
        "The optimizer {name!r} is unknown; choose sgd, adam, adamw, rmsprop or adagrad.",
        name=name,
    )


def make_scheduler(
    optimizer: torch.optim.Optimizer,
    config: TrainingConfig,
    steps_per_epoch: int,
    total_steps: int,
) -> torch.optim.lr_scheduler.LRScheduler | None:
    """The schedule for a run of ``total_steps`` batches, to be stepped after every batch."""
    name = config.schedule
    total_steps = max(1, total_steps)
    if name == "none":
        return None
    if name == "step":
        return torch.optim.lr_scheduler.StepLR(
            optimizer, step_size=max(1, config.step_size * steps_per_epoch), gamma=config.gamma
        )
    if name == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total_steps)
    if name == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer,
            max_lr=[group["lr"] for group in optimizer.param_groups],  # fine-tuning: two rates
            total_steps=total_steps,
            cycle_momentum=_has_momentum(optimizer),
            base_momentum=ONECYCLE_MOMENTUM[0],
            max_momentum=ONECYCLE_MOMENTUM[1],
        )
    raise TrainingError(
        "The schedule {name!r} is unknown; choose none, step, cosine or onecycle.", name=name
    )


def _has_momentum(optimizer: torch.optim.Optimizer) -> bool:
    """One-cycle cycles momentum only where it exists: SGD with momentum, Adam's beta1."""
    group = optimizer.defaults
    if "betas" in group:
        return True
    return isinstance(optimizer, torch.optim.SGD) and group.get("momentum", 0) > 0


def make_loss(name: str, num_classes: int) -> LossFn:
    """A function ``(output, labels) -> mean loss`` for a resolved loss name."""
    if name == "cross_entropy":
        return nnf.cross_entropy
    if name == "nll":
        return nnf.nll_loss
    if name == "mse":

        def mse_one_hot(output: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
            target = nnf.one_hot(labels, num_classes).to(output.dtype)
            return nnf.mse_loss(output, target)

        return mse_one_hot
    raise TrainingError(
        "The loss {name!r} is unknown; choose auto, cross_entropy, nll or mse.", name=name
    )


def init_weights(model: nn.Module, name: str, bias: str = "default") -> None:
    """Re-initialise every module of the kinds the registry marks ``init`` (convolutions,
    Linear) with the project's Weight init ``name`` and Bias init ``bias``; ``default``
    keeps torch's own. Per-layer choices are ``initialisation.initialise``'s job."""
    try:
        project = project_init(name, bias)
    except ArchitectureError as error:
        raise TrainingError("{message}", message=error) from None
    kinds = initialised_classes()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, kinds):
                apply_layer_init(module, project)


def initialised_classes() -> tuple[type[nn.Module], ...]:
    """The torch classes whose weights an initialisation other than ``default`` sets."""
    return tuple(getattr(nn, spec.torch_class) for spec in REGISTRY.values() if spec.init)


def resolve_device(name: str | None) -> torch.device:
    """``auto`` picks CUDA, then Apple MPS, then the CPU; a named device must exist."""
    text = (name or "auto").strip().lower()
    if text == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if mps_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        device = torch.device(text)
    except (RuntimeError, ValueError):
        raise TrainingError(
            "{name!r} is not a device; use auto, cpu, cuda (or cuda:1, …) or mps.", name=name
        ) from None
    if device.type == "cpu":
        return device
    if device.type == "cuda":
        count = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if count == 0 or (device.index is not None and device.index >= count):
            raise TrainingError(
                "The device {name!r} is not available on this computer ({found}); choose auto "
                "or cpu.",
                name=name,
                found=f"it has {count} CUDA GPU(s)" if count else "no CUDA GPU was found",
            )
        return device
    if device.type == "mps":
        if not mps_available():
            raise TrainingError(
                "The device 'mps' is not available on this computer (it needs an Apple GPU); "
                "choose auto or cpu."
            )
        return device
    raise TrainingError(
        "The device {name!r} is not supported; use auto, cpu, cuda or mps.", name=name
    )


def mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend and backend.is_available())


def suggest_lr(optimizer: str, lr: float) -> float:
    """A learning rate to try after the loss blew up at ``lr``."""
    usual = USUAL_LR.get(optimizer, 0.001)
    if lr > usual:
        return usual
    return float(f"{lr / 10:.1g}")


def format_number(value: float) -> str:
    """Numbers the way a person types them: 1000, 0.001, 3e-05."""
    if math.isfinite(value) and float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:g}"
