"""Frozen layers, two-stage fine-tuning and the frozen-feature cache, for the training loop.

``FineTuning`` is built once per run. It gives frozen parameters
``requires_grad=False``, keeps frozen modules in eval mode (BatchNorm statistics
stay put), leaves them out of the optimizer, and, with ``head_epochs``, unfreezes
them after that many epochs at the learning rate × ``unfreeze_lr_factor`` (their
optimizer group exists from the start with no gradients, so every schedule
covers it). When everything before the first trainable layer is frozen and no
augmentation runs, their outputs are computed once per image and the rest of
the network trains from that cache (see ``feature_cache``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import torch
from torch import nn

from studio.core.architecture import Architecture
from studio.core.backbones import BLOCK, trained_parts
from studio.core.data.batches import BatchLoader
from studio.core.errors import TrainingError
from studio.core.project import TrainingConfig
from studio.core.training.events import Unfrozen
from studio.core.training.feature_cache import FeatureCache, plan_cache

log = logging.getLogger(__name__)

Batches = Iterable[tuple[torch.Tensor, torch.Tensor]]


def backbone_units(module: nn.Module) -> list[tuple[str, nn.Module]]:
    """A Backbone's parts at stage granularity: ``conv1``…``layer4`` or ``features.0``…"""
    units: list[tuple[str, nn.Module]] = []
    for name, child in module.named_children():
        if name == "features":
            units += [(f"features.{i}", part) for i, part in enumerate(child)]
        else:
            units.append((name, child))
    return units


def frozen_modules(model: nn.Sequential, arch: Architecture, unfreeze: int | None) -> list[Any]:
    """The modules that stay frozen: as the layers say (``unfreeze`` None), or after the
    two-stage switch (0: none; N: of each Backbone all but its last N stages)."""
    frozen: list[nn.Module] = []
    for index, block in enumerate(arch.blocks):
        if not block.frozen or unfreeze == 0:
            continue
        if block.type != BLOCK:
            if unfreeze is None:
                frozen.append(model[index])
            continue
        own = int(block.params.get("train_last_stages", 0))
        trained = trained_parts(str(block.params["model"]), max(own, unfreeze or 0))
        if trained is None:
            continue
        frozen += [part for name, part in backbone_units(model[index]) if name not in trained]
    return frozen


def _parameters(modules: Iterable[nn.Module]) -> list[nn.Parameter]:
    return [p for module in modules for p in module.parameters()]


class FineTuning:
    """What frozen layers change in one run; a no-op for a network with nothing frozen."""

    def __init__(self, model: nn.Sequential, arch: Architecture, cfg: TrainingConfig) -> None:
        self.model = model
        self.arch = arch
        self.cfg = cfg
        self.frozen = frozen_modules(model, arch, None)
        self.switch_epoch = cfg.head_epochs + 1 if cfg.head_epochs > 0 else None
        later = frozen_modules(model, arch, cfg.unfreeze_stages) if self.switch_epoch else []
        later_ids = {id(p) for p in _parameters(later)}
        frozen_ids = {id(p) for p in _parameters(self.frozen)}
        self._waiting = [
            p for p in _parameters(self.frozen) if id(p) not in later_ids
        ]  # trained from the switch on
        if not self._waiting:
            self.switch_epoch = None
        self._later = later
        self._switched = False
        for p in model.parameters():
            p.requires_grad_(id(p) not in frozen_ids)
        trainable = any(p.requires_grad for p in model.parameters())
        if self.frozen and not trainable and self.switch_epoch is None:
            raise TrainingError(
                "Every layer with weights is frozen, so nothing would train; unfreeze at "
                "least one layer (usually the last ones)."
            )
        self.cache: FeatureCache | None = None
        self.notes: list[str] = []
        if cfg.head_epochs > 0 and self.switch_epoch is None:
            self.notes.append(
                "Head-only epochs has no effect: no frozen layer would be unfrozen afterwards."
            )

    # --- optimizer ---------------------------------------------------------------------

    def param_groups(self) -> list[dict[str, Any]]:
        """Trainable parameters at the learning rate; with two stages, a second group of
        the parameters the switch unfreezes, at the rate × the factor."""
        trainable = [p for p in self.model.parameters() if p.requires_grad]
        groups: list[dict[str, Any]] = [{"params": trainable}]
        if self.switch_epoch is not None:
            lr = self.cfg.lr * self.cfg.unfreeze_lr_factor
            groups.append({"params": self._waiting, "lr": lr})
        return groups

    # --- per epoch -----------------------------------------------------------------------

    def start_epoch(
        self, epoch: int, global_step: int, optimizer: torch.optim.Optimizer
    ) -> Unfrozen | None:
        """Unfreeze at the switch epoch (or later, when a resumed run starts past it)."""
        if self.switch_epoch is None or self._switched or epoch < self.switch_epoch:
            return None
        self._switched = True
        self.frozen = self._later
        for p in self._waiting:
            p.requires_grad_(True)
        if self.cache is not None:
            self.cache = None  # the layers it skipped train now
            log.info("feature cache dropped at the two-stage switch")
        lr = float(optimizer.param_groups[-1]["lr"])
        return Unfrozen(epoch, global_step, lr, self.cfg.unfreeze_stages)

    def train_mode(self) -> None:
        """Training mode, except frozen modules: their BatchNorm statistics must not move."""
        self.model.train()
        self.keep_frozen_in_eval()

    def keep_frozen_in_eval(self) -> None:
        for module in self.frozen:
            module.eval()

    # --- the feature cache -----------------------------------------------------------------

    def prepare_cache(
        self,
        loaders: tuple[BatchLoader, BatchLoader],
        normalisation: tuple[Sequence[float], Sequence[float]],
        device: torch.device,
        notes: list[str],
    ) -> None:
        """Decide on the cache (and say why in ``notes``); it is filled on first use.

        ``normalisation`` is the data's (mean, std), as the loaders use them."""
        plan = plan_cache(self.arch, *loaders, device, self.switch_epoch)
        notes.extend(self.notes)
        if plan.note:
            notes.append(plan.note)
        if plan.prefix:
            self.cache = FeatureCache(self.model, plan.prefix, loaders, normalisation)

    def forward_with(self, model: nn.Module, x: torch.Tensor) -> torch.Tensor:
        """``model(x)``, or the layers after the cache on cached features."""
        return self.cache.tail(x) if self.cache is not None else model(x)

    def train_batches(self, loader: BatchLoader) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        return iter(self.cache.train_batches()) if self.cache is not None else iter(loader)

    def val_batches(self, loader: BatchLoader) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        return iter(self.cache.val_batches()) if self.cache is not None else iter(loader)
