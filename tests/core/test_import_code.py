"""Importing PyTorch code: Sequentials read without running, Module classes traced with trust."""

from __future__ import annotations

import textwrap

import pytest
import torch
from torch import nn

from studio.core.architecture import Block
from studio.core.codegen.importer import import_code
from studio.core.errors import CodeImportError
from studio.core.shapes import analyse

NO_RUN = 'raise SystemExit("this statement must not run")\n'
"""Top-level training code stands in for this: importing must never run it."""

CIFAR_TUTORIAL = (
    """\
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision.transforms as transforms

transform = transforms.Compose(
    [transforms.ToTensor(), transforms.Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5))])
batch_size = 4


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1) # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
"""
    + NO_RUN
)

LENET_BLITZ = """\
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):

    def __init__(self):
        super(Net, self).__init__()
        # 1 input image channel, 6 output channels, 5x5 square convolution
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        # an affine operation: y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5*5 from image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        # Max pooling over a (2, 2) window
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        # If the size is a square, you can specify with a single number
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]  # all dimensions except the batch dimension
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


net = Net()
print(net)
"""

MNIST_EXAMPLE = """\
from __future__ import print_function
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.relu(F.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = F.relu(self.fc1(x))
        x = F.dropout(x, training=self.training)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


if __name__ == "__main__":
    model = Net()
    optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.5)
"""

MLP_CLASS = (
    """\
from torch import nn


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 256),
            nn.ReLU(),
            nn.Linear(256, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork()
"""
    + NO_RUN
)

MLP_EXPRESSION = (
    """\
import torch
from torch import nn

net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
"""
    + NO_RUN
)

LENET_SEQUENTIAL = """\
import torch.nn as nn

net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5), nn.ReLU(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.ReLU(),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.ReLU(),
    nn.Linear(120, 84), nn.ReLU(),
    nn.Linear(84, 10))
"""


SEED = 1234


def traced(source: str, **kwargs):
    torch.manual_seed(SEED)
    return import_code(source, trust=True, **kwargs)


def types(result) -> list[str]:
    return [b.type for b in result.architecture]


def total(result) -> int:
    return analyse(result.architecture).total_params


def run_class(source: str, name: str, shape: tuple[int, ...]) -> tuple[nn.Module, torch.Tensor]:
    """The tutorial's own model and its output on a fixed input, for comparing weights."""
    namespace: dict = {"__name__": "tutorial"}
    exec(compile(source.replace(NO_RUN, ""), "tutorial", "exec"), namespace)
    torch.manual_seed(SEED)  # as before the import: the same initial weights
    model = namespace[name]().eval()
    x = torch.randn(3, *shape, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        return model, model(x)


def same_outputs(result, expected: torch.Tensor) -> None:
    """The imported weights in the app's Sequential compute what the original class does."""
    model = result.architecture.build().eval()
    model.load_state_dict(result.state_dict)
    x = torch.randn(3, *result.architecture.input_shape, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        torch.testing.assert_close(model(x), expected)


# --- the tutorial networks --------------------------------------------------------


def test_cifar_tutorial_class_with_a_pool_used_twice():
    result = traced(CIFAR_TUTORIAL, filename="cifar10_tutorial.py")
    assert result.source_kind == "module" and result.name == "Net"
    assert result.architecture.input_shape == (3, 32, 32)
    assert types(result) == [
        "Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten",
        "Linear", "ReLU", "Linear", "ReLU", "Linear",
    ]  # fmt: skip
    assert result.architecture[2].params["stride"] is None  # MaxPool2d(2, 2): stride = kernel
    assert total(result) == 62_006
    assert any("3×32×32" in note for note in result.notes)
    _, expected = run_class(CIFAR_TUTORIAL, "Net", (3, 32, 32))
    same_outputs(result, expected)


def test_lenet_blitz_with_functional_pooling_and_a_helper_method():
    result = traced(LENET_BLITZ, filename="lenet.py")
    assert result.architecture.input_shape == (1, 32, 32)
    assert types(result)[:7] == [
        "Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten",
    ]  # fmt: skip
    assert result.architecture[2].params["kernel_size"] == 2
    assert total(result) == 61_706
    _, expected = run_class(LENET_BLITZ, "Net", (1, 32, 32))
    same_outputs(result, expected)


def test_mnist_example_with_dropout_and_log_softmax():
    result = traced(MNIST_EXAMPLE, filename="mnist.py")
    arch = result.architecture
    assert arch.input_shape == (1, 28, 28)
    assert types(result) == [
        "Conv2d", "MaxPool2d", "ReLU", "Conv2d", "Dropout2d", "MaxPool2d", "ReLU", "Flatten",
        "Linear", "ReLU", "Dropout", "Linear", "LogSoftmax",
    ]  # fmt: skip
    assert arch[4].params["p"] == 0.5 and arch[10].params["p"] == 0.5
    assert total(result) == 21_840
    _, expected = run_class(MNIST_EXAMPLE, "Net", (1, 28, 28))
    same_outputs(result, expected)


def test_mlp_sequential_inside_a_class_is_read_without_trust():
    result = import_code(MLP_CLASS, filename="mlp.py")
    assert result.source_kind == "sequential" and result.name == "NeuralNetwork"
    assert types(result) == ["Linear", "ReLU", "Linear"]
    assert result.architecture.input_shape == (784,)
    assert total(result) == 203_530
    assert any("self.flatten" in n and "--trust" in n for n in result.notes)


def test_mlp_class_traced_with_trust_keeps_its_flatten():
    result = import_code(MLP_CLASS, trust=True, filename="mlp.py")
    assert types(result) == ["Flatten", "Linear", "ReLU", "Linear"]
    assert result.architecture.input_shape == (1, 28, 28)
    assert total(result) == 203_530


def test_mlp_as_a_bare_expression():
    result = import_code(MLP_EXPRESSION, filename="mlp.py")
    assert result.name == "net"
    assert types(result) == ["Flatten", "Linear", "ReLU", "Linear"]
    assert result.architecture.input_shape == (1, 28, 28)  # Flatten says images come in
    assert total(result) == 203_530


def test_lenet_sequential_implies_32_by_32():
    result = import_code(LENET_SEQUENTIAL)
    assert result.architecture.input_shape == (1, 32, 32)
    assert total(result) == 61_706
    assert result.architecture[2].params["stride"] == 2


# --- reading Sequentials ------------------------------------------------------------


def test_spellings_of_torch_nn_all_read_the_same():
    import_nn = "import torch\nmodel = torch.nn.Sequential(torch.nn.Conv2d(3, 8, (3, 3), padding=1), torch.nn.ReLU(inplace=True), torch.nn.Flatten(), torch.nn.Linear(in_features=8 * 32 * 32, out_features=10))\n"  # noqa: E501
    bare = textwrap.dedent(
        """\
        from torch.nn import Conv2d, Flatten, Linear, ReLU, Sequential as Seq
        C = 8
        model = Seq(Conv2d(in_channels=3, out_channels=C, kernel_size=3, padding=1), ReLU(),
                    Flatten(start_dim=1), Linear(C * 32 ** 2, 10))
        """
    )
    results = [import_code(src, input_shape=(3, 32, 32)) for src in (import_nn, bare)]
    for result in results:
        assert types(result) == ["Conv2d", "ReLU", "Flatten", "Linear"]
        conv = result.architecture[0].params
        assert conv["out_channels"] == 8 and conv["kernel_size"] == 3 and conv["padding"] == 1
    assert any("inplace" in note for note in results[0].notes)


def test_nested_sequentials_variables_and_ordered_dicts_are_flattened():
    source = textwrap.dedent(
        """\
        from collections import OrderedDict
        import torch.nn as nn

        def block(c_in, c_out):
            return c_in

        features = nn.Sequential(
            nn.Sequential(nn.Conv2d(1, 4, 3), nn.ReLU()),
            nn.MaxPool2d(2),
        )
        head = [nn.Flatten(), nn.Linear(4 * 13 * 13, 10)]
        model = nn.Sequential(OrderedDict([("features", features), ("act", nn.Identity())]),
                              *head)
        """
    )
    result = import_code(source)
    assert result.name == "model"
    assert types(result) == ["Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear"]
    assert result.architecture.input_shape == (1, 28, 28)
    assert any("Identity" in note for note in result.notes)


def test_of_several_sequentials_the_named_largest_is_taken_and_said():
    source = textwrap.dedent(
        """\
        import torch.nn as nn
        small = nn.Sequential(nn.Linear(4, 2))
        big = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))
        print(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.ReLU(), nn.ReLU(), nn.Linear(8, 2)))
        """
    )
    result = import_code(source)
    assert result.name == "big" and len(result.architecture) == 3
    assert any("3 separate nn.Sequential" in n and "big (line 3)" in n for n in result.notes)


def test_a_sequential_in_a_plain_class_is_read_too():
    source = "import torch.nn as nn\nclass Holder:\n    net = nn.Sequential(nn.Linear(3, 2))\n"
    result = import_code(source)
    assert result.name == "Holder" and result.architecture.input_shape == (3,)


def test_a_constructor_default_is_a_known_value():
    source = textwrap.dedent(
        """\
        import torch.nn as nn
        class Net(nn.Module):
            def __init__(self, hidden=32, classes=10):
                super().__init__()
                width = hidden * 2
                self.body = nn.Sequential(
                    nn.Linear(784, width), nn.ReLU(), nn.Linear(width, classes)
                )
        """
    )
    result = import_code(source)
    assert [b.params.get("out_features") for b in result.architecture] == [64, None, 10]


# --- refusals, each with its line -----------------------------------------------------


def refusal(source: str, **kwargs) -> str:
    with pytest.raises(CodeImportError) as info:
        import_code(source, **kwargs)
    message = info.value.message
    assert "\n" not in message and "Traceback" not in message
    return message


def test_unknown_layer_is_refused_with_its_line():
    source = "import torch.nn as nn\nmodel = nn.Sequential(\n    nn.Conv3d(1, 4, 3),\n)\n"
    message = refusal(source)
    assert message.startswith("Line 3 (`nn.Conv3d(1, 4, 3)`)") and "Conv3d" in message


def test_a_stated_size_that_does_not_match_names_the_line():
    source = LENET_SEQUENTIAL.replace("16 * 5 * 5", "16 * 3 * 3")
    message = refusal(source, input_shape=(1, 32, 32))
    assert "Line 9" in message and "in_features is 144" in message and "400" in message
    message = refusal(source)
    assert "No common input size fits" in message and "--input-shape" in message


def test_non_square_and_unsupported_arguments_are_refused():
    message = refusal("import torch.nn as nn\nm = nn.Sequential(nn.Conv2d(1, 4, (3, 5)))\n")
    assert "Line 2" in message and "not square" in message
    message = refusal("import torch.nn as nn\nm = nn.Sequential(nn.Conv2d(2, 4, 3, groups=2))\n")
    assert "groups=2" in message


def test_values_that_need_running_code_are_refused():
    message = refusal(
        "import torch.nn as nn\nn_in = len('abc')\nm = nn.Sequential(nn.Linear(n_in, 2))\n"
    )
    assert "Line 3" in message and "n_in" in message
    message = refusal("import torch.nn as nn\nm = nn.Sequential(*[nn.ReLU() for _ in range(3)])\n")
    assert "Line 2" in message and "running" in message


def test_a_module_class_without_trust_asks_for_it_and_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    source = CIFAR_TUTORIAL + f"open({str(marker)!r}, 'w').close()\n"
    message = refusal(source, filename="cifar.py")
    assert "--trust" in message and "Net" in message and "running" in message
    assert not marker.exists()


def test_syntax_errors_name_the_line():
    assert "Line 2" in refusal("import torch\nmodel = nn.Sequential(\n", filename="x.py")


RESIDUAL = """\
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 1, 3, padding=1)
        self.conv2 = nn.Conv2d(1, 1, 3, padding=1)

    def forward(self, x):
        y = F.relu(self.conv1(x))
        return self.conv2(y) + x
"""


@pytest.mark.parametrize(
    ("forward_body", "line", "words"),
    [
        (RESIDUAL, 13, "adds two tensors (a residual connection)"),
        (
            RESIDUAL.replace("self.conv2(y) + x", "torch.cat([self.conv2(y), x], 1)").replace(
                "import torch.nn as nn", "import torch\nimport torch.nn as nn"
            ),
            14,
            "concatenation",
        ),
        (RESIDUAL.replace("self.conv2(y) + x", "self.conv2(x)"), 13, "branches"),
        (RESIDUAL.replace("self.conv2(y) + x", "self.conv2(y) * 2"), 13, "no matching block"),
        (RESIDUAL.replace("self.conv2(y) + x", "self.conv1(y)"), 13, "used a second time"),
        (
            RESIDUAL.replace("nn.Conv2d(1, 1, 3, padding=1)\n\n", "nn.Conv3d(1, 1, 3)\n\n"),
            13,
            "Conv3d",
        ),
    ],
    ids=["residual", "cat", "branch", "arithmetic", "shared", "unknown-layer"],
)
def test_what_a_sequential_cannot_do_is_refused_with_its_line(forward_body, line, words):
    message = refusal(forward_body, trust=True, input_shape=(1, 8, 8))
    assert f"Line {line}" in message and words in message


def test_helper_methods_and_loops_in_forward_are_followed():
    source = textwrap.dedent(
        """\
        import torch.nn as nn
        import torch.nn.functional as F

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.convs = nn.ModuleList([nn.Conv2d(3 if i == 0 else 8, 8, 3) for i in range(3)])
                self.head = nn.LazyLinear(10)

            def stage(self, x, conv):
                x = F.relu(conv(x))
                return F.max_pool2d(x, 2) if conv is self.convs[-1] else x

            def forward(self, x):
                for conv in self.convs:
                    x = self.stage(x, conv)
                x = x.reshape(x.shape[0], -1)
                return F.softmax(self.head(x), dim=-1)
        """
    )
    result = import_code(source, trust=True, input_shape=(3, 32, 32))
    assert types(result) == [
        "Conv2d", "ReLU", "Conv2d", "ReLU", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear",
        "Softmax",
    ]  # fmt: skip
    assert result.architecture[-2].params["out_features"] == 10
    assert set(result.state_dict) == set(result.architecture.build().state_dict())


# --- input shape ----------------------------------------------------------------------


def test_when_several_sizes_fit_it_asks_for_one():
    source = "import torch.nn as nn\nm = nn.Sequential(nn.ReLU(), nn.Flatten())\n"
    message = refusal(source)
    assert "Several input sizes fit" in message and "--input-shape" in message
    result = import_code(source, input_shape=(2, 5, 5))
    assert result.architecture.input_shape == (2, 5, 5)


def test_a_size_free_network_with_one_dataset_shape_takes_it_and_says_so():
    source = textwrap.dedent(
        """\
        import torch.nn as nn
        m = nn.Sequential(nn.Conv2d(1, 8, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(8, 10))
        """
    )
    result = import_code(source)
    assert result.architecture.input_shape == (1, 28, 28)
    assert any("Assumed" in n and "--input-shape" in n for n in result.notes)


def test_a_given_shape_that_does_not_fit_names_the_layer():
    message = refusal(LENET_SEQUENTIAL, input_shape=(1, 28, 28))
    assert "1×28×28" in message and "Line 9" in message


def test_an_impossible_input_shape_is_one_sentence():
    assert "input shape" in refusal(LENET_SEQUENTIAL, input_shape=(0, 28, 28))


def test_the_input_comment_of_an_exported_definition_is_used():
    source = "model = nn.Sequential(  # input: 1×64×64\n    nn.ReLU(),\n    nn.Flatten(),\n)\n"
    result = import_code(source)
    assert result.architecture.input_shape == (1, 64, 64)
    assert isinstance(result.architecture[0], Block)


def test_the_two_questions_have_their_own_error_types():
    from studio.core.codegen.importer import TrustNeeded
    from studio.core.codegen.input_shape import InputShapeNeeded

    with pytest.raises(InputShapeNeeded) as info:
        import_code("import torch.nn as nn\nm = nn.Sequential(nn.ReLU(), nn.Flatten())\n")
    assert (1, 28, 28) in info.value.fits and (3, 32, 32) in info.value.fits
    with pytest.raises(TrustNeeded):
        import_code(RESIDUAL)


def test_a_mistake_in_forward_is_reported_as_one_not_as_a_size_problem():
    source = MLP_CLASS.replace("x = self.flatten(x)", "x = self.flaten(x)")
    message = refusal(source, trust=True)
    assert message.startswith("Running NeuralNetwork.forward() failed at line 15: AttributeError")
    assert "input size" not in message


LIGHTNING = """\
import torch.nn as nn
import torch.nn.functional as F
import lightning_not_installed as L


class LitModel(L.LightningModule):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(28 * 28, 10)

    def forward(self, x):
        return F.relu(self.l1(x.view(x.size(0), -1)))
"""


def test_a_class_with_forward_but_a_foreign_base_is_a_module_too():
    assert "--trust" in refusal(LIGHTNING)
    message = refusal(LIGHTNING, trust=True)
    assert message.startswith("Line 6 uses L, but importing it failed")
    result = import_code(LIGHTNING.replace("L.LightningModule", "nn.Module"), trust=True)
    assert [b.type for b in result.architecture] == ["Flatten", "Linear", "ReLU"]
    assert result.architecture.input_shape == (1, 28, 28)
    assert any("left out an import that failed" in note for note in result.notes)
