"""Trusted import builds the model the file builds, and keeps its weights (issues #15, #16).

Each network is checked against torch's own parameter count of the model the
file creates. Nothing is downloaded: torchvision finds a stand-in checkpoint,
saved under its real file name, in a temporary TORCH_HOME.
"""

from __future__ import annotations

import json

import pytest
import torch

from studio.cli import main
from studio.core.codegen.importer import import_code
from studio.core.codegen.restore import import_project
from studio.core.errors import CodeImportError, FileFormatError, TrainingError
from studio.core.io import initial_weights
from studio.core.io.project_file import load_project
from studio.core.shapes import analyse
from studio.core.training.setup import Request, prepare
from tests.core.test_import_exact import TIED, torch_count, torch_model

MLP_CLASS = """\
import torch
from torch import nn
class MLP(nn.Module):
    def __init__(self, input_num, hidden=256):
        super().__init__()
        self.hidden = nn.Linear(input_num, hidden)
        self.act = nn.ReLU()
        self.output = nn.Linear(hidden, 10)
    def forward(self, X):
        return self.output(self.act(self.hidden(X)))
"""
MLP = MLP_CLASS + "model = MLP(784)\nraise SystemExit('training must not run')\n"


def test_the_instance_the_file_creates_is_imported():
    result = import_code(MLP, trust=True)
    assert result.name == "MLP"
    assert result.architecture.input_shape == (784,)
    expected = torch_count(torch_model(MLP_CLASS + "model = MLP(784)\n", "model"))
    assert analyse(result.architecture).total_params == expected == 203_530


def test_the_file_s_literal_arguments_are_used_wherever_it_creates_the_class():
    code = MLP_CLASS + "if __name__ == '__main__':\n    model = MLP(784, hidden=32)\n"
    result = import_code(code, trust=True)
    assert analyse(result.architecture).total_params == 784 * 32 + 32 + 330
    assert any("Created MLP(784, hidden=32) as line 12" in note for note in result.notes)


def test_a_class_the_file_never_creates_asks_for_args_and_takes_them():
    with pytest.raises(CodeImportError) as caught:
        import_code(MLP_CLASS, trust=True)
    assert "--args input_num=VALUE" in caught.value.message
    assert "needs arguments" in caught.value.message

    result = import_code(MLP_CLASS, trust=True, constructor_args=["784"])
    assert analyse(result.architecture).total_params == 203_530
    result = import_code(MLP_CLASS, trust=True, constructor_args=["input_num=784", "hidden=32"])
    assert analyse(result.architecture).total_params == 784 * 32 + 32 + 330


@pytest.mark.parametrize(
    ("tokens", "message"),
    [(["78x4"], "is not a Python literal"), (["hidden=3", "784"], "comes after a name=value")],
)
def test_args_that_are_not_literals_are_one_clear_line(tokens, message):
    with pytest.raises(CodeImportError, match=message):
        import_code(MLP_CLASS, trust=True, constructor_args=tokens)


def test_the_tie_is_refused_under_trust_too():
    with pytest.raises(CodeImportError, match="tied parameters"):
        import_code(TIED, trust=True)


def test_a_shared_module_inside_a_class_is_refused_naming_it():
    code = (
        "from torch import nn\nclass Net(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.fc = nn.Linear(8, 8)\n"
        "    def forward(self, x):\n        return self.fc(self.fc(x))\n"
    )
    with pytest.raises(CodeImportError) as caught:
        import_code(code, trust=True, input_shape=(8,))
    assert "self.fc" in caught.value.message and "Line 7" in caught.value.message
    assert "tied parameters" in caught.value.message


def test_a_sequential_changed_after_it_is_built_imports_as_it_runs():
    code = (
        "from torch import nn\nnet = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 10))\n"
        "net[2] = nn.Linear(8, 3)\nnet.add_module('soft', nn.Softmax(dim=1))\n"
    )
    result = import_code(code, trust=True)
    assert [b.type for b in result.architecture.blocks] == ["Linear", "ReLU", "Linear", "Softmax"]
    assert analyse(result.architecture).total_params == torch_count(torch_model(code, "net"))


# --- torchvision, never downloading -------------------------------------------------


@pytest.fixture(scope="module")
def vgg11_home(tmp_path_factory):
    """A TORCH_HOME holding a random vgg11 under torchvision's file name for its weights."""
    import torchvision

    home = tmp_path_factory.mktemp("torch-home")
    folder = home / "hub" / "checkpoints"
    folder.mkdir(parents=True)
    state = torchvision.models.vgg11().state_dict()
    torch.save(state, folder / "vgg11-8a719046.pth")
    return home, state


@pytest.mark.parametrize(
    ("build", "change", "count"),
    [
        (
            "torchvision.models.vgg11(pretrained=True)",
            "net.classifier.add_module('add_linear', nn.Linear(1000, 10))",
            132_863_336 + 10_010,
        ),
        (
            "torchvision.models.vgg11(weights=torchvision.models.VGG11_Weights.IMAGENET1K_V1)",
            "net.classifier[6] = nn.Linear(4096, 10)",
            132_863_336 - 4_097_000 + 40_970,
        ),
    ],
    ids=["pretrained-added", "weights-replaced"],
)
def test_a_torchvision_model_imports_with_torch_s_count_and_its_weights(
    vgg11_home, monkeypatch, build, change, count
):
    home, state = vgg11_home
    monkeypatch.setenv("TORCH_HOME", str(home))
    code = f"import torchvision\nfrom torch import nn\nnet = {build}\n{change}\n"
    result = import_code(code, trust=True, filename="seed001.py")
    assert analyse(result.architecture).total_params == count
    assert result.name == "vgg11"
    assert result.architecture.input_shape == (3, 224, 224)
    backbone = result.architecture.blocks[0]
    assert backbone.type == "Backbone"
    assert backbone.params["model"] == "vgg11" and backbone.params["weights"] == "IMAGENET1K_V1"
    assert result.architecture.blocks[-1].params["out_features"] == 10
    assert torch.equal(result.state_dict["0.features.0.weight"], state["features.0.weight"])


@pytest.fixture(scope="module")
def resnet18_home(tmp_path_factory):
    import torchvision

    home = tmp_path_factory.mktemp("torch-home")
    folder = home / "hub" / "checkpoints"
    folder.mkdir(parents=True)
    torch.save(torchvision.models.resnet18().state_dict(), folder / "resnet18-f37072fd.pth")
    return home


def test_a_replaced_fc_becomes_backbone_plus_head_with_the_same_forward(resnet18_home, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(resnet18_home))
    code = (
        "import torchvision\nfrom torch import nn\n"
        "net = torchvision.models.resnet18(weights='DEFAULT')\nnet.fc = nn.Linear(512, 10)\n"
    )
    torch.manual_seed(7)
    result = import_code(code, trust=True)
    arch = result.architecture
    assert [b.type for b in arch.blocks] == ["Backbone", "Linear"]
    assert arch.blocks[0].params["weights"] == "DEFAULT"
    torch.manual_seed(7)  # the same new fc as the import's
    model = torch_model(code, "net").eval()
    assert analyse(arch).total_params == torch_count(model) == 11_181_642
    built = arch.build().eval()
    built.load_state_dict(result.state_dict)
    x = torch.rand(2, 3, 64, 64)
    with torch.no_grad():
        assert torch.allclose(built(x), model(x), atol=1e-5)


def test_a_changed_resnet_stem_is_traced_and_its_residuals_refused(resnet18_home, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(resnet18_home))
    code = (
        "import torchvision\nfrom torch import nn\n"
        "net = torchvision.models.resnet18()\n"
        "net.conv1 = nn.Conv2d(1, 64, 7, 2, 3, bias=False)\n"
    )
    with pytest.raises(CodeImportError, match="residual connection"):
        import_code(code, trust=True, input_shape=(1, 64, 64))


def test_a_missing_download_is_one_line_naming_the_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))

    def offline(*args, **kwargs):
        import urllib.error

        raise urllib.error.URLError("no network")

    monkeypatch.setattr("torch.hub.download_url_to_file", offline)
    code = "import torchvision\nnet = torchvision.models.vgg11(pretrained=True)\n"
    with pytest.raises(CodeImportError) as caught:
        import_code(code, trust=True)
    assert "Line 2 downloads pretrained weights" in caught.value.message
    assert str(tmp_path / "hub" / "checkpoints") in caught.value.message


@pytest.mark.slow
def test_seed_001_vgg16_has_torch_s_count():
    import torchvision

    code = (
        "import torchvision\nfrom torch import nn\n"
        "net = torchvision.models.vgg16(pretrained=False)\n"
        "net.classifier[6] = nn.Linear(4096, 10)\n"
    )
    result = import_code(code, trust=True)
    model = torchvision.models.vgg16()
    model.classifier[6] = torch.nn.Linear(4096, 10)
    assert analyse(result.architecture).total_params == torch_count(model) == 134_301_514


# --- traced weights are where training starts ---------------------------------------

NET8 = """\
from torch import nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.flat = nn.Flatten()
        self.fc = nn.Linear(64, 4)
    def forward(self, x):
        return self.fc(self.flat(x))
"""


def test_training_starts_from_the_traced_weights(tmp_path):
    from tests.core.test_trainer_support import make_data

    torch.manual_seed(5)
    imported = import_project(NET8, "net.py", input_shape=(1, 8, 8), trust=True)
    torch.manual_seed(5)
    reference = torch_model(NET8 + "model = Net()\n", "model")
    project = imported.project
    assert project.initial_state is not None
    initial_weights.save_beside(tmp_path / "net.json", project)
    assert project.initial_weights == "net.init.pt"
    project.base_folder = tmp_path
    project.training.init = "xavier"  # the initial weights win over the project's init
    run = prepare(project, Request(data=make_data(16, 8)), lambda: None)
    x = torch.rand(3, 1, 8, 8)
    run.model.eval()
    assert torch.equal(run.model(x.to(memory_format=torch.channels_last)), reference(x))
    assert any("initial weights in net.init.pt" in note for note in run.notes)


def test_a_missing_or_mismatched_initial_weights_file_is_a_clear_error(tmp_path):
    from tests.core.test_trainer_support import make_data

    project = import_project(NET8, "net.py", input_shape=(1, 8, 8), trust=True).project
    initial_weights.save_beside(tmp_path / "net.json", project)
    (tmp_path / "net.init.pt").unlink()
    with pytest.raises(FileFormatError, match="that file is missing"):
        prepare(project, Request(data=make_data(16, 8)), lambda: None)
    project.initial_state = {"0.weight": torch.zeros(4, 3), "0.bias": torch.zeros(4)}
    with pytest.raises(TrainingError, match=r"do not fit its network \(1.bias: missing"):
        prepare(project, Request(data=make_data(16, 8)), lambda: None)


def test_the_cli_writes_the_initial_weights_beside_the_project(tmp_path, capsys):
    code = tmp_path / "mlp.py"
    code.write_text(MLP, encoding="utf-8")
    out = tmp_path / "mlp.json"
    (tmp_path / "mlp.init.pt").write_bytes(b"keep me")
    assert main(["import", str(code), "--trust", "-o", str(out)]) == 2
    assert "mlp.init.pt already exists" in capsys.readouterr().err
    assert not out.exists() and (tmp_path / "mlp.init.pt").read_bytes() == b"keep me"

    assert main(["import", str(code), "--trust", "-o", str(out), "--force"]) == 0
    printed = capsys.readouterr().out
    assert f"Weights traced from the file were saved to {tmp_path / 'mlp.init.pt'}" in printed
    assert json.loads(out.read_text())["initial_weights"] == "mlp.init.pt"
    project = load_project(out)
    state = initial_weights.project_state(project)
    assert state is not None and tuple(state["0.weight"].shape) == (256, 784)
    assert analyse(project.architecture).total_params == 203_530
