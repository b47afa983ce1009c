"""A project: the architecture plus the dataset choice and the training settings."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from studio.core import events
from studio.core.architecture import Architecture
from studio.core.errors import FileFormatError
from studio.core.settings import allowed_range, choice_values, closed_choices

DATASETS = choice_values("dataset", "name")
OPTIMIZERS = choice_values("training", "optimizer")
SCHEDULES = choice_values("training", "schedule")
LOSSES = choice_values("training", "loss")
INITS = choice_values("training", "init")


@dataclass
class DatasetConfig:
    """Which data to train on and how to split and augment it."""

    name: str = "mnist-sample"
    path: str = ""
    """The image-folder root, the CSV file, or where torchvision sets are cached ('' = the
    user cache)."""
    val_fraction: float = 0.2
    augment_crop: bool = False
    augment_flip: bool = False
    target: str = ""
    """The CSV column to predict ('' = the last column)."""
    task: str = "auto"
    """``classification``, ``regression`` or ``auto`` (inferred from the target column)."""
    loading: str = "auto"
    """An image folder: ``auto`` preloads it if it fits in memory, else streams it from disk."""


@dataclass
class TrainingConfig:
    """Optimizer, schedule, loss and run settings. ``lr`` is the peak rate for one-cycle."""

    optimizer: str = "adam"
    lr: float = 3e-3
    momentum: float = 0.9
    nesterov: bool = False
    weight_decay: float = 0.0
    schedule: str = "onecycle"
    step_size: int = 5
    gamma: float = 0.1
    loss: str = "auto"
    batch_size: int = 64
    epochs: int = 10
    seed: int = 0
    init: str = "default"
    bias_init: str = "default"
    """``zeros`` or torch's own (``default``); files from before it existed keep 0 biases."""
    device: str = "auto"
    tensorboard: bool = False
    """Log every run for TensorBoard in ``runs/`` beside the project (``studio train
    --tensorboard DIR`` picks another folder)."""
    head_epochs: int = 0
    """Two-stage fine-tuning: train with the frozen layers frozen for this many epochs,
    then unfreeze them (0: off, frozen layers stay frozen)."""
    unfreeze_stages: int = 0
    """At the switch, how many last stages of a Backbone to unfreeze (0: all)."""
    unfreeze_lr_factor: float = 0.1
    """The unfrozen parameters train at the learning rate times this factor."""


@dataclass
class Project:
    """Everything a project file holds."""

    architecture: Architecture
    dataset: DatasetConfig = field(default_factory=DatasetConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    name: str = "Untitled"
    description: str = ""
    initial_weights: str = ""
    """A weights file to start training from, relative to the project file (``"initial_weights"``
    in the JSON; see ``io.initial_weights``). Empty: fresh weights."""
    _events: events.Emitter = field(
        default_factory=events.Emitter, init=False, repr=False, compare=False
    )
    initial_state: dict | None = field(default=None, repr=False, compare=False)
    """Initial weights held in memory (an import not yet saved); not written to the JSON."""
    base_folder: Path | None = field(default=None, repr=False, compare=False)
    """The folder of the project file it was loaded from or saved to, for ``initial_weights``."""

    def subscribe(self, listener: events.Listener) -> None:
        """Call ``listener`` with a ``SettingChanged`` for every ``set_setting``."""
        self._events.subscribe(listener)

    def unsubscribe(self, listener: events.Listener) -> None:
        self._events.unsubscribe(listener)

    def set_setting(self, section: str, key: str, value: Any) -> None:
        """Change one dataset or training setting and tell the listeners (old and new)."""
        if section not in ("dataset", "training"):
            raise KeyError(section)
        target = getattr(self, section)
        if key not in {f.name for f in fields(target)}:
            raise KeyError(key)
        old = getattr(target, key)
        setattr(target, key, value)
        self._events.emit(events.SettingChanged(section, key, old, value))

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "architecture": self.architecture.to_dict(),
            "dataset": asdict(self.dataset),
            "training": asdict(self.training),
            **({"initial_weights": self.initial_weights} if self.initial_weights else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Project:
        """Read and check a project dict; missing settings take their defaults."""
        if not isinstance(data, Mapping) or "architecture" not in data:
            raise FileFormatError("The project has no architecture.")
        architecture = Architecture.from_dict(data["architecture"])
        return cls(
            architecture=architecture,
            dataset=_read_config(DatasetConfig, data.get("dataset", {}), "dataset"),
            training=_read_config(
                TrainingConfig, _with_bias_init(data.get("training", {})), "training"
            ),
            name=_text(data.get("name", "Untitled")),
            description=_text(data.get("description", "")),
            initial_weights=_text(data.get("initial_weights", "")),
        )

    def copy(self) -> Project:
        twin = Project.from_dict(self.to_dict())
        twin.initial_state, twin.base_folder = self.initial_state, self.base_folder
        return twin


def _with_bias_init(training: Any) -> Any:
    """Files written before Bias init existed zeroed biases with every non-default Weight
    init; they keep doing so (new files always write ``bias_init``)."""
    if not isinstance(training, Mapping) or "bias_init" in training:
        return training
    if training.get("init", "default") in (None, "default"):
        return training
    return {**training, "bias_init": "zeros"}


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise FileFormatError("A project name or description must be text.")
    return value


def _read_config(kind: type, data: Any, section: str) -> Any:
    if not isinstance(data, Mapping):
        raise FileFormatError("The {section} settings must be an object.", section=section)
    values = {}
    known = {f.name: f for f in fields(kind)}
    for key, value in data.items():
        if key not in known:
            continue  # settings from a newer minor version are ignored, not fatal
        default = getattr(kind(), key)
        values[key] = check_setting(key, value, default, section)
    return kind(**values)


def check_setting(key: str, value: Any, default: Any, section: str = "training") -> Any:
    """Check one setting against its type, choices and range; return it coerced."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise FileFormatError(
                "{section}.{key} must be true or false.", section=section, key=key
            )
        return value
    if isinstance(default, str):
        if not isinstance(value, str):
            raise FileFormatError("{section}.{key} must be text.", section=section, key=key)
        choices = closed_choices(section, key)
        if choices and value not in choices:
            raise FileFormatError(
                "{section}.{key} is {value!r}; choose one of {choices}.",
                section=section,
                key=key,
                value=value,
                choices=", ".join(choices),
            )
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FileFormatError("{section}.{key} must be a number.", section=section, key=key)
    if isinstance(value, int) and value.bit_length() > 63:  # beyond float's exact range
        raise FileFormatError(
            "{section}.{key} is a number far too large for any setting.", section=section, key=key
        )
    if not math.isfinite(value):
        raise FileFormatError("{section}.{key} must be a number.", section=section, key=key)
    if isinstance(default, int) and not float(value).is_integer():
        raise FileFormatError("{section}.{key} must be a whole number.", section=section, key=key)
    low, high = allowed_range(section, key) or (-math.inf, math.inf)
    if not low <= value <= high:
        raise FileFormatError(
            "{section}.{key} is {value}, outside the allowed range {low:g} to {high:g}.",
            section=section,
            key=key,
            value=value,
            low=low,
            high=high,
        )
    return int(value) if isinstance(default, int) else float(value)
