"""The classic PyTorch tutorial networks, each a ready project."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from studio.core.architecture import Architecture, Block
from studio.core.project import DatasetConfig, Project, TrainingConfig

DEFAULT_TEMPLATE = "lenet-mnist"

B = Block.create


@dataclass(frozen=True)
class Template:
    name: str
    title: str
    description: str
    make: Callable[[], Project]
    size: tuple[tuple[int, ...], int] | None = None
    """Input shape and parameter count when counting them needs torch (a Backbone), so
    the File > New menu is built without importing it; a test keeps it exact."""


def _lenet_blocks(first_padding: int) -> list[Block]:
    return [
        B("Conv2d", out_channels=6, kernel_size=5, padding=first_padding),
        B("ReLU"),
        B("MaxPool2d", kernel_size=2),
        B("Conv2d", out_channels=16, kernel_size=5),
        B("ReLU"),
        B("MaxPool2d", kernel_size=2),
        B("Flatten"),
        B("Linear", out_features=120),
        B("ReLU"),
        B("Linear", out_features=84),
        B("ReLU"),
        B("Linear", out_features=10),
    ]


def _lenet5() -> Project:
    return Project(
        Architecture((1, 32, 32), _lenet_blocks(0)),
        DatasetConfig("mnist-sample"),
        name="LeNet-5",
        description="LeNet-5 as in the 60-minute blitz: 32×32 input (MNIST digits are padded).",
    )


def _lenet_mnist() -> Project:
    return Project(
        Architecture((1, 28, 28), _lenet_blocks(2)),
        DatasetConfig("mnist-sample"),
        name="LeNet for MNIST",
        description="LeNet with padding 2 on the first convolution, so 28×28 digits fit.",
    )


def _cifar10_tutorial() -> Project:
    blocks = _lenet_blocks(0)
    return Project(
        Architecture((3, 32, 32), blocks),
        DatasetConfig("cifar10", augment_flip=True),
        TrainingConfig(optimizer="sgd", lr=0.05, momentum=0.9, schedule="onecycle", epochs=10),
        name="CIFAR-10 tutorial net",
        description="The network of PyTorch's 'Training a classifier' CIFAR-10 tutorial.",
    )


def _cifar10_sequential() -> Project:
    return Project(
        Architecture(
            (3, 32, 32),
            [
                B("Conv2d", out_channels=32, kernel_size=5, padding=2),
                B("MaxPool2d", kernel_size=2),
                B("Conv2d", out_channels=32, kernel_size=5, padding=2),
                B("MaxPool2d", kernel_size=2),
                B("Conv2d", out_channels=64, kernel_size=5, padding=2),
                B("MaxPool2d", kernel_size=2),
                B("Flatten"),
                B("Linear", out_features=64),
                B("Linear", out_features=10),
            ],
        ),
        DatasetConfig("cifar10", augment_flip=True),
        name="CIFAR-10 Sequential",
        description="The CIFAR-10 nn.Sequential of the Chinese PyTorch tutorials.",
    )


def _mlp_fashion() -> Project:
    return Project(
        Architecture(
            (1, 28, 28),
            [B("Flatten"), B("Linear", out_features=256), B("ReLU"), B("Linear", out_features=10)],
        ),
        DatasetConfig("fashion-mnist"),
        TrainingConfig(optimizer="sgd", lr=0.1, momentum=0.9, schedule="onecycle", epochs=10),
        name="MLP for Fashion-MNIST",
        description="A multilayer perceptron with one hidden layer of 256 units.",
    )


def _mnist_dropout() -> Project:
    return Project(
        Architecture(
            (1, 28, 28),
            [
                B("Conv2d", out_channels=10, kernel_size=5),
                B("MaxPool2d", kernel_size=2),
                B("ReLU"),
                B("Conv2d", out_channels=20, kernel_size=5),
                B("Dropout2d", p=0.5),
                B("MaxPool2d", kernel_size=2),
                B("ReLU"),
                B("Flatten"),
                B("Linear", out_features=50),
                B("ReLU"),
                B("Dropout", p=0.5),
                B("Linear", out_features=10),
                B("LogSoftmax"),
            ],
        ),
        DatasetConfig("mnist-sample"),
        name="MNIST net with dropout",
        description="PyTorch's MNIST example network, ending in LogSoftmax (NLL loss).",
    )


def _mnist_signal() -> Project:
    return Project(
        Architecture(
            (1, 784),
            [
                B("Conv1d", out_channels=16, kernel_size=5, stride=2),
                B("BatchNorm1d"),
                B("ReLU"),
                B("MaxPool1d", kernel_size=4),
                B("Conv1d", out_channels=32, kernel_size=5),
                B("ReLU"),
                B("AvgPool1d", kernel_size=3),
                B("Flatten"),
                B("Linear", out_features=10),
            ],
        ),
        DatasetConfig("mnist-sample"),
        name="MNIST as signals",
        description="Each digit read row by row as one signal of 784 values, with 1-D layers.",
    )


def bundled_table(name: str) -> str:
    """The path of a CSV table shipped with the program (see tools/make_table_samples.py)."""
    from studio.core.resources import resources_dir

    return str(resources_dir() / name)


def _table_mlp() -> Project:
    return Project(
        Architecture(
            (20,),
            [B("Linear", out_features=256), B("ReLU"), B("Linear", out_features=10)],
        ),
        DatasetConfig("csv", bundled_table("blobs_20.csv"), target="class"),
        TrainingConfig(lr=0.003, batch_size=32, epochs=15),
        name="MLP on a table",
        description="nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.Linear(256, 10)) on a "
        "bundled CSV table: 20 numeric features, 10 classes.",
    )


def _table_regression() -> Project:
    return Project(
        Architecture(
            (4,),
            [B("Linear", out_features=8), B("ReLU"), B("Linear", out_features=1)],
        ),
        DatasetConfig("csv", bundled_table("curve_4.csv"), target="y", task="regression"),
        TrainingConfig(lr=0.01, batch_size=16, epochs=30, loss="mse"),
        name="Regression 4→8→1",
        description="A 4→8→1 network predicting a number (MSE loss) from a bundled CSV table.",
    )


def _finetune_resnet18() -> Project:
    backbone = B("Backbone", model="resnet18", weights="DEFAULT")
    backbone.frozen = True
    return Project(
        Architecture((3, 224, 224), [backbone, B("Linear", out_features=10)]),
        DatasetConfig("image-folder"),
        TrainingConfig(lr=1e-3, schedule="none", batch_size=32, epochs=5),
        name="Fine-tune ResNet-18",
        description=(
            "ResNet-18 pretrained on ImageNet, frozen, with a new Linear head for the classes "
            "of an image folder. Its weights download once (about 45 MB) into torch's cache."
        ),
    )


FINETUNE_RESNET18_PARAMS = 11_176_512 + 512 * 10 + 10
"""ResNet-18 without its classifier, then Linear(512, 10) (set to the folder's classes)."""

TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template("lenet5", "LeNet-5", "LeNet-5, input 1×32×32 (61,706 parameters).", _lenet5),
        Template(
            "lenet-mnist",
            "LeNet for MNIST",
            "LeNet for 28×28 MNIST digits, padding 2 on the first convolution (61,706 "
            "parameters). The default project.",
            _lenet_mnist,
        ),
        Template(
            "cifar10-tutorial",
            "CIFAR-10 tutorial net",
            "The CIFAR-10 tutorial network, input 3×32×32 (62,006 parameters).",
            _cifar10_tutorial,
        ),
        Template(
            "cifar10-sequential",
            "CIFAR-10 Sequential",
            "Three 5×5 convolutions with pooling and two Linear layers, input 3×32×32 "
            "(145,578 parameters).",
            _cifar10_sequential,
        ),
        Template(
            "mlp-fashion",
            "MLP for Fashion-MNIST",
            "Flatten, Linear 784→256, ReLU, Linear 256→10 (203,530 parameters).",
            _mlp_fashion,
        ),
        Template(
            "mnist-dropout",
            "MNIST net with dropout",
            "PyTorch's MNIST example network with Dropout2d, Dropout and LogSoftmax (21,840 "
            "parameters).",
            _mnist_dropout,
        ),
        Template(
            "mnist-signal",
            "MNIST as signals",
            "Digits read as 1×784 signals: Conv1d, BatchNorm1d, MaxPool1d and AvgPool1d "
            "(12,650 parameters).",
            _mnist_signal,
        ),
        Template(
            "table-mlp",
            "MLP on a table",
            "Linear 20→256, ReLU, Linear 256→10 on a bundled CSV table with 20 features "
            "(7,946 parameters).",
            _table_mlp,
        ),
        Template(
            "table-regression",
            "Regression 4→8→1",
            "Linear 4→8, ReLU, Linear 8→1 predicting a number from a bundled CSV table "
            "(49 parameters).",
            _table_regression,
        ),
        Template(
            "finetune-resnet18",
            "Fine-tune ResNet-18 on an image folder",
            "A frozen ResNet-18 pretrained on ImageNet and a new Linear head, input 3×224×224: "
            "choose an image folder with one sub-folder per class, then the one-click fix gives "
            "the head one output per class. The weights download once (about 45 MB) into "
            "torch's cache (~/.cache/torch/hub/checkpoints).",
            _finetune_resnet18,
            size=((3, 224, 224), FINETUNE_RESNET18_PARAMS),
        ),
    )
}


def get_template(name: str) -> Project:
    """A fresh project from the template ``name``."""
    from studio.core.errors import StudioError

    try:
        template = TEMPLATES[name]
    except KeyError:
        raise StudioError(
            "There is no template called {name!r}. Choose one of: {names}.",
            name=name,
            names=", ".join(TEMPLATES),
        ) from None
    return template.make()


def default_project() -> Project:
    return get_template(DEFAULT_TEMPLATE)


def blank_project(input_shape: tuple[int, ...] = (1, 28, 28)) -> Project:
    """An empty network on the bundled MNIST sample, with no description to inherit."""
    return Project(architecture=Architecture(input_shape, []), name="Untitled")


def template_size(name: str) -> tuple[tuple[int, ...], int]:
    """A template's input shape and parameter count, to tell similar templates apart."""
    from studio.core.shapes import analyse

    known = TEMPLATES[name].size
    if known is not None:
        return known

    architecture = get_template(name).architecture
    return architecture.input_shape, analyse(architecture).total_params
