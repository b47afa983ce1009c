"""Import never changes a network silently (issue #16): each case against torch's own count."""

from __future__ import annotations

import pytest
import torch

from studio.core.codegen.importer import import_code
from studio.core.errors import CodeImportError
from studio.core.shapes import analyse

TIED = """\
from torch import nn
shared = nn.Linear(8, 8)
net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(),
                    nn.Linear(8, 1))
"""

RGNET = """\
import torch
from torch import nn
def block1():
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(),
                         nn.Linear(8, 4), nn.ReLU())
def block2():
    net = nn.Sequential()
    for i in range(4):
        net.add_module(f'block {i}', block1())
    return net
rgnet = nn.Sequential(block2(), nn.Linear(4, 1))
X = torch.rand(size=(2, 4))
rgnet(X)
"""

NESTED = """\
from torch import nn
head = nn.Sequential(nn.Flatten(), nn.Sequential(nn.Linear(16, 8), nn.ReLU()))
net = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.Sequential(nn.ReLU(), nn.MaxPool2d(2)),
                    nn.AdaptiveAvgPool2d(2), head, nn.Linear(8, 3))
"""


def torch_model(code: str, name: str) -> torch.nn.Module:
    """The module the code itself builds (tests run their own code)."""
    space: dict = {}
    exec(compile(code, "<test>", "exec"), space)
    return space[name]


def torch_count(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())  # tied parameters once


def test_tied_parameters_are_refused_with_the_shared_layer_and_line():
    assert torch_count(torch_model(TIED, "net")) == 121
    with pytest.raises(CodeImportError) as caught:
        import_code(TIED)
    message = caught.value.message
    assert "`shared`" in message and "line 2" in message and "Line 3" in message
    assert "tied" in message


def test_a_shared_layer_without_weights_is_not_a_tie():
    code = (
        "from torch import nn\nact = nn.ReLU()\n"
        "net = nn.Sequential(nn.Linear(4, 8), act, nn.Linear(8, 2), act)\n"
    )
    result = import_code(code)
    assert analyse(result.architecture).total_params == torch_count(torch_model(code, "net"))


def test_a_tie_inside_a_factory_loop_is_refused():
    code = (
        "from torch import nn\nshared = nn.Linear(4, 4)\n"
        "def make():\n    net = nn.Sequential()\n    for i in range(3):\n"
        "        net.add_module(str(i), shared)\n    return net\nmodel = make()\n"
    )
    with pytest.raises(CodeImportError, match="Line 6: `shared`"):
        import_code(code)


def test_nested_block_factories_flatten_exactly():
    model = torch_model(RGNET, "rgnet")
    result = import_code(RGNET)
    arch = result.architecture
    assert result.name == "rgnet"
    assert len(arch.blocks) == 17
    assert analyse(arch).total_params == torch_count(model) == 309
    built = arch.build()
    built.load_state_dict(dict(zip(built.state_dict(), model.state_dict().values(), strict=True)))
    x = torch.rand(5, 4)
    assert torch.equal(built(x), model(x))


def test_nested_sequentials_flatten_exactly():
    model = torch_model(NESTED, "net").eval()
    result = import_code(NESTED, input_shape=(1, 8, 8))
    built = result.architecture.build().eval()
    assert analyse(result.architecture).total_params == torch_count(model)
    built.load_state_dict(dict(zip(built.state_dict(), model.state_dict().values(), strict=True)))
    x = torch.rand(2, 1, 8, 8)
    assert torch.equal(built(x), model(x))


@pytest.mark.parametrize(
    ("body", "line", "what"),
    [
        (
            "def block(n=8):\n    return nn.Linear(n, n)\nnet = nn.Sequential(block(16))\n",
            4,
            "arguments",
        ),
        (
            "def block():\n    layers = []\n    for i in range(3):\n"
            "        layers.append(nn.Linear(4, 4))\n"
            "    return nn.Sequential(*layers)\nnet = nn.Sequential(block())\n",
            5,
            "runs `layers.append(",
        ),
        (
            "def block():\n    net = nn.Sequential()\n    for i in range(3):\n"
            "        net.add_module(str(i), nn.Linear(4 + i, 4))\n    return net\n"
            "net = nn.Sequential(block())\n",
            5,
            "`i`",
        ),
        (
            "def block():\n    net = nn.Sequential()\n    for layer in sizes():\n"
            "        net.append(layer)\n    return net\nnet = nn.Sequential(block())\n",
            4,
            "range(N)",
        ),
    ],
    ids=["argument", "list-loop", "loop-variable", "other-loop"],
)
def test_factories_that_only_running_can_follow_are_refused_with_the_line(body, line, what):
    with pytest.raises(CodeImportError) as caught:
        import_code("from torch import nn\n" + body)
    assert f"Line {line}" in caught.value.message and what in caught.value.message


@pytest.mark.parametrize(
    "change",
    [
        "net.add_module('extra', nn.Linear(10, 2))",
        "net[2] = nn.Linear(8, 3)",
        "net.append(nn.Softmax(dim=1))",
        "del net[1]",
    ],
)
def test_a_sequential_changed_after_it_is_built_is_not_read_as_written(change):
    net = "nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 10))"
    code = f"from torch import nn\nnet = {net}\n{change}\n"
    with pytest.raises(CodeImportError, match="Line 3 changes net after it is built"):
        import_code(code)
