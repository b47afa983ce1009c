"""``studio import``: a project file from PyTorch code, one line and exit 2 on bad input."""

from __future__ import annotations

import pytest

from studio.cli import build_parser, main
from studio.core.io.project_file import load_project
from studio.core.shapes import analyse

CLASS_ONLY = """\
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        return self.fc1(x.view(x.size(0), -1))


raise SystemExit("training code must not run")
"""


def write(tmp_path, text: str, name: str = "code.py"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_sequential_becomes_a_project(tmp_path, capsys):
    code = write(
        tmp_path,
        "from torch import nn\n"
        "mlp = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))\n",
    )
    out = tmp_path / "mlp.json"
    assert main(["import", str(code), "-o", str(out)]) == 0
    project = load_project(out)
    assert project.name == "mlp"
    assert project.architecture.input_shape == (784,)
    assert analyse(project.architecture).total_params == 203_530
    printed = capsys.readouterr().out
    assert "203,530" in printed and "Note: Inferred the input shape 784" in printed


def test_a_class_needs_trust_and_then_imports_with_a_matching_dataset(tmp_path, capsys):
    code = write(tmp_path, CLASS_ONLY)
    out = tmp_path / "net.json"
    assert main(["import", str(code), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("studio: ") and "--trust" in err and len(err.splitlines()) == 1
    assert not out.exists()
    assert main(["import", str(code), "--trust", "-o", str(out)]) == 0
    project = load_project(out)
    assert project.name == "Net" and project.dataset.name == "cifar10"
    assert project.architecture.input_shape == (3, 32, 32)


def test_input_shape_option_and_its_errors(tmp_path, capsys):
    code = write(tmp_path, "import torch.nn as nn\nm = nn.Sequential(nn.ReLU(), nn.Flatten())\n")
    out = tmp_path / "p.json"
    assert main(["import", str(code), "-o", str(out)]) == 2
    assert "--input-shape" in capsys.readouterr().err
    assert main(["import", str(code), "--input-shape", "1,32,32", "-o", str(out)]) == 0
    assert load_project(out).architecture.input_shape == (1, 32, 32)
    capsys.readouterr()
    assert main(["import", str(code), "--input-shape", "a,b", "-o", str(out), "--force"]) == 2
    assert "1,28,28" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "There is no file"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"def f(:\n", "Line 1"),
        (b"x = 1\n", "no nn.Sequential"),
    ],
)
def test_bad_files_give_one_line_and_exit_2(tmp_path, capsys, content, words):
    code = tmp_path / "bad.py"
    if content is not None:
        code.write_bytes(content)
    assert main(["import", str(code), "-o", str(tmp_path / "p.json")]) == 2
    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1


def test_an_existing_project_is_kept_without_force(tmp_path, capsys):
    code = write(tmp_path, "import torch.nn as nn\nm = nn.Sequential(nn.Linear(4, 2))\n")
    out = write(tmp_path, "keep me", "p.json")
    assert main(["import", str(code), "-o", str(out)]) == 2
    assert out.read_text() == "keep me"


def test_help_says_trust_executes_the_file():
    help_text = build_parser()._subparsers._group_actions[0].choices["import"].format_help()
    assert "--trust" in help_text and "EXECUTES" in help_text
