"""The one table of dataset and training settings: kind, range, choices, label and help.

``project.py`` validates a project file against it and the window builds its Training
panel from it, so the two can never disagree about what a valid setting is. Labels and
help are ``Message`` objects: the core stays in English and the GUI translates them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from studio.core.errors import Message


@dataclass(frozen=True)
class Choice:
    """One value of a choice setting, with a short label and a longer tooltip."""

    value: str
    label: Message
    help: Message | None = None


@dataclass(frozen=True)
class Setting:
    """One setting of ``Project.dataset`` or ``Project.training``."""

    section: str
    key: str
    kind: str
    """``choice``, ``int``, ``float`` or ``bool``."""
    label: Message
    help: Message | None = None
    choices: tuple[Choice, ...] = ()
    low: float | None = None
    high: float | None = None
    open_choices: bool = False
    """Other values are allowed too (devices such as ``cuda:1`` depend on the machine)."""
    enabled_when: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    """``{other key in the same section: values}``: the setting applies only then."""

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.value for c in self.choices)

    def applies(self, config: Any) -> bool:
        """Whether this setting has an effect with the other settings of ``config``."""
        return all(getattr(config, key) in values for key, values in self.enabled_when.items())


def _choices(*items: Choice) -> tuple[Choice, ...]:
    return items


_SGD = {"optimizer": ("sgd",)}
_STEP = {"schedule": ("step",)}
_SPLIT_HERE = {"name": ("mnist-sample", "image-folder", "csv")}
_IMAGES = {"name": ("mnist-sample", "mnist", "fashion-mnist", "cifar10", "image-folder")}
_TABLE = {"name": ("csv",)}

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "dataset",
        "name",
        "choice",
        Message("Dataset"),
        choices=_choices(
            Choice(
                "mnist-sample",
                Message("MNIST sample"),
                Message("The bundled sample: 5,000 handwritten digits, 10 classes"),
            ),
            Choice(
                "mnist",
                Message("MNIST"),
                Message("70,000 handwritten digits, downloaded on first use"),
            ),
            Choice(
                "fashion-mnist",
                Message("Fashion-MNIST"),
                Message("70,000 clothing images, downloaded on first use"),
            ),
            Choice(
                "cifar10",
                Message("CIFAR-10"),
                Message("60,000 small colour photos in 10 classes, downloaded on first use"),
            ),
            Choice(
                "image-folder",
                Message("Image folder…"),
                Message("Your own images, one sub-folder per class"),
            ),
            Choice(
                "csv",
                Message("CSV table…"),
                Message(
                    "A CSV file with a header row: one column is the target, the others "
                    "are the features"
                ),
            ),
        ),
    ),
    Setting(
        "dataset",
        "augment_flip",
        "bool",
        Message("Random flips"),
        Message("Mirror training images left-right at random"),
        enabled_when=_IMAGES,
    ),
    Setting(
        "dataset",
        "augment_crop",
        "bool",
        Message("Random crops"),
        Message("Shift training images by a few pixels at random"),
        enabled_when=_IMAGES,
    ),
    Setting(
        "dataset",
        "val_fraction",
        "float",
        Message("Validation share"),
        Message("The share of the images kept apart to check the network"),
        low=0.01,
        high=0.9,
        enabled_when=_SPLIT_HERE,
    ),
    Setting(
        "dataset",
        "target",
        "choice",
        Message("Target column"),
        Message("The CSV column the network learns to predict"),
        open_choices=True,
        enabled_when=_TABLE,
    ),
    Setting(
        "dataset",
        "task",
        "choice",
        Message("Task"),
        choices=_choices(
            Choice(
                "auto",
                Message("Automatic"),
                Message("Classification for a text or whole-number target, else regression"),
            ),
            Choice(
                "classification",
                Message("Classification"),
                Message("Each target value is a class"),
            ),
            Choice(
                "regression",
                Message("Regression"),
                Message("Predict the target's number; needs an MSE, L1 or Smooth-L1 loss"),
            ),
        ),
        enabled_when=_TABLE,
    ),
    Setting(
        "dataset",
        "loading",
        "choice",
        Message("Loading"),
        Message("Hold the decoded images in memory, or read them from disk batch by batch"),
        choices=_choices(
            Choice(
                "auto",
                Message("Automatic"),
                Message("Preload if the decoded images fit in half the free memory, else stream"),
            ),
            Choice(
                "preload",
                Message("Preload"),
                Message("Decode every image once into memory: the fastest training"),
            ),
            Choice(
                "stream",
                Message("Stream from disk"),
                Message("Decode each batch from disk: memory stays flat for any number of images"),
            ),
        ),
        enabled_when={"name": ("image-folder",)},
    ),
    Setting(
        "training",
        "optimizer",
        "choice",
        Message("Optimizer"),
        choices=_choices(
            Choice("sgd", Message("SGD")),
            Choice("adam", Message("Adam")),
            Choice("adamw", Message("AdamW")),
            Choice("rmsprop", Message("RMSprop")),
            Choice("adagrad", Message("Adagrad")),
        ),
    ),
    Setting(
        "training",
        "lr",
        "float",
        Message("Learning rate"),
        Message("Learning rate; with the one-cycle schedule this is the peak rate."),
        low=1e-8,
        high=1e4,
    ),
    Setting(
        "training",
        "momentum",
        "float",
        Message("Momentum"),
        Message("SGD momentum (0.9 is usual); other optimizers keep their own."),
        low=0.0,
        high=0.9999,
        enabled_when=_SGD,
    ),
    Setting(
        "training",
        "nesterov",
        "bool",
        Message("Nesterov"),
        Message("Nesterov momentum for SGD; needs a momentum above 0."),
        enabled_when=_SGD,
    ),
    Setting(
        "training",
        "weight_decay",
        "float",
        Message("Weight decay"),
        Message("L2 penalty on the weights"),
        low=0.0,
        high=10.0,
    ),
    Setting(
        "training",
        "schedule",
        "choice",
        Message("Schedule"),
        choices=_choices(
            Choice("none", Message("Constant"), Message("The same learning rate all along")),
            Choice("step", Message("Step"), Message("Multiply the rate by gamma every few epochs")),
            Choice("cosine", Message("Cosine"), Message("Anneal the rate to 0 along a cosine")),
            Choice(
                "onecycle",
                Message("One-cycle"),
                Message("Warm up to the peak rate, then anneal (OneCycleLR)"),
            ),
        ),
    ),
    Setting(
        "training",
        "step_size",
        "int",
        Message("Step every"),
        Message("Epochs between two steps of the step schedule"),
        low=1,
        high=100_000,
        enabled_when=_STEP,
    ),
    Setting(
        "training",
        "gamma",
        "float",
        Message("Gamma"),
        Message("The step schedule multiplies the rate by gamma at each step"),
        low=1e-6,
        high=1.0,
        enabled_when=_STEP,
    ),
    Setting(
        "training",
        "loss",
        "choice",
        Message("Loss"),
        choices=_choices(
            Choice(
                "auto",
                Message("Automatic"),
                Message("Cross-entropy, or NLL after LogSoftmax; MSE for regression"),
            ),
            Choice("cross_entropy", Message("Cross-entropy")),
            Choice(
                "nll",
                Message("NLL"),
                Message("Negative log-likelihood, for a network ending in LogSoftmax"),
            ),
            Choice(
                "mse",
                Message("MSE"),
                Message(
                    "Mean squared error: against the true values for regression, against "
                    "one-hot targets for classification"
                ),
            ),
            Choice("l1", Message("L1"), Message("Mean absolute error, for regression")),
            Choice(
                "smooth_l1",
                Message("Smooth L1"),
                Message("Squared for small errors and absolute for large ones, for regression"),
            ),
        ),
    ),
    Setting(
        "training",
        "batch_size",
        "int",
        Message("Batch size"),
        Message("Images per step"),
        low=1,
        high=1_000_000,
    ),
    Setting(
        "training",
        "epochs",
        "int",
        Message("Epochs"),
        Message("Passes over the training images"),
        low=1,
        high=100_000,
    ),
    Setting(
        "training",
        "init",
        "choice",
        Message("Weight init"),
        choices=_choices(
            Choice("default", Message("Default"), Message("PyTorch's default initialisation")),
            Choice("kaiming", Message("Kaiming")),
            Choice("xavier", Message("Xavier")),
            Choice("normal", Message("Normal"), Message("Normal with mean 0 and std 0.01")),
        ),
    ),
    Setting(
        "training",
        "bias_init",
        "choice",
        Message("Bias init"),
        Message("How the biases of convolutions and Linear layers start; a layer can override it"),
        choices=_choices(
            Choice("default", Message("Default"), Message("PyTorch's default initialisation")),
            Choice("zeros", Message("Zeros"), Message("Every bias starts at 0")),
        ),
    ),
    Setting(
        "training",
        "seed",
        "int",
        Message("Seed"),
        Message("The same seed gives the same run"),
        low=0,
        high=2**31 - 1,
    ),
    Setting(
        "training",
        "device",
        "choice",
        Message("Device"),
        open_choices=True,
        choices=_choices(
            Choice("auto", Message("Automatic"), Message("A GPU if there is one, else the CPU")),
            Choice("cpu", Message("CPU")),
        ),
    ),
    Setting(
        "training",
        "tensorboard",
        "bool",
        Message("Log to TensorBoard"),
        Message(
            "Write losses, accuracies, the graph and feature maps of every run to runs/ "
            "beside the project (needs the tensorboard package)"
        ),
    ),
    Setting(
        "training",
        "head_epochs",
        "int",
        Message("Head-only epochs"),
        Message(
            "Two-stage fine-tuning: train only the unfrozen layers for this many epochs, "
            "then unfreeze the frozen ones (0: off)"
        ),
        low=0,
        high=100_000,
    ),
    Setting(
        "training",
        "unfreeze_stages",
        "int",
        Message("Stages to unfreeze"),
        Message("How many last stages of a backbone the second stage unfreezes (0: all)"),
        low=0,
        high=64,
    ),
    Setting(
        "training",
        "unfreeze_lr_factor",
        "float",
        Message("Unfrozen lr factor"),
        Message("The unfrozen layers train at the learning rate times this factor"),
        low=1e-6,
        high=10.0,
    ),
)

BY_KEY: dict[tuple[str, str], Setting] = {(s.section, s.key): s for s in SETTINGS}


def setting(section: str, key: str) -> Setting:
    return BY_KEY[(section, key)]


def choice_values(section: str, key: str) -> tuple[str, ...]:
    return setting(section, key).values


def allowed_range(section: str, key: str) -> tuple[float, float] | None:
    """``(low, high)`` of a number setting, or ``None`` when it has no range."""
    found = BY_KEY.get((section, key))
    if found is None or found.low is None or found.high is None:
        return None
    return found.low, found.high


def closed_choices(section: str, key: str) -> tuple[str, ...] | None:
    """The values a choice setting allows, or ``None`` when any text is allowed."""
    found = BY_KEY.get((section, key))
    if found is None or found.kind != "choice" or found.open_choices:
        return None
    return found.values


MATCHING_DATASETS: dict[tuple[int, ...], tuple[str, ...]] = {
    (3, 32, 32): ("cifar10",),
    (1, 28, 28): ("mnist-sample", "mnist", "fashion-mnist"),
}
"""Input shapes that a built-in dataset gives as they are, best first."""


def matching_dataset(input_shape: tuple[int, ...], dataset: str) -> str | None:
    """A built-in dataset whose images have ``input_shape``, when the chosen one does not.

    An image folder or a CSV table is the person's own choice and is never second-guessed.
    """
    matches = MATCHING_DATASETS.get(tuple(input_shape))
    if not matches or dataset in matches or dataset in ("image-folder", "csv"):
        return None
    return matches[0]
