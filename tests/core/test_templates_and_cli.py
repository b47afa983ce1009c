"""Templates' parameter totals and the core CLI verbs, run as a person would."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.io.project_file import load_project, save_project
from studio.core.shapes import analyse
from studio.core.templates import DEFAULT_TEMPLATE, TEMPLATES, get_template

EXPECTED_TOTALS = {
    "lenet5": 61_706,
    "lenet-mnist": 61_706,
    "cifar10-tutorial": 62_006,
    "cifar10-sequential": 145_578,
    "mlp-fashion": 203_530,
    "mnist-dropout": 21_840,
    "mnist-signal": 12_650,
    "finetune-resnet18": 11_181_642,  # ResNet-18 without its classifier + Linear(512, 10)
    "table-mlp": 7_946,
    "table-regression": 49,
}


@pytest.mark.parametrize("name", list(EXPECTED_TOTALS))
def test_template_parameter_totals(name: str):
    project = get_template(name)
    if project.dataset.task == "regression":
        report = analyse(project.architecture, task="regression")
    else:
        report = analyse(project.architecture, project.training.loss, 10)
    assert report.ok, report.errors
    assert report.total_params == EXPECTED_TOTALS[name]
    model = project.architecture.build()
    assert sum(p.numel() for p in model.parameters()) == EXPECTED_TOTALS[name]


def test_default_template_is_lenet_on_the_bundled_sample():
    project = get_template(DEFAULT_TEMPLATE)
    assert DEFAULT_TEMPLATE == "lenet-mnist"
    assert project.dataset.name == "mnist-sample"
    assert set(TEMPLATES) == set(EXPECTED_TOTALS)


def test_templates_json(capsys):
    assert main(["templates", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} == set(EXPECTED_TOTALS)


def test_new_then_summary_json(tmp_path: Path, capsys):
    path = tmp_path / "p.json"
    assert main(["new", "--template", "cifar10-tutorial", "-o", str(path)]) == 0
    assert load_project(path).architecture.input_shape == (3, 32, 32)
    capsys.readouterr()
    assert main(["summary", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["input_shape"] == [3, 32, 32]
    assert data["total_params"] == 62_006
    assert data["errors"] == []
    first = data["layers"][0]
    assert first == {
        **first,
        "index": 0,
        "type": "Conv2d",
        "output_shape": [6, 28, 28],
        "params": 456,
    }


def test_new_refuses_to_overwrite(tmp_path: Path, capsys):
    path = tmp_path / "p.json"
    path.write_text("keep me")
    assert main(["new", "-o", str(path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_text() == "keep me"


def test_summary_of_an_invalid_network_exits_1_with_errors(tmp_path: Path, capsys):
    project = get_template("lenet-mnist")
    project.architecture.remove(6)  # drop the Flatten
    path = tmp_path / "bad.json"
    save_project(path, project)
    assert main(["summary", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["errors"][0]["index"] == 6
    assert "Flatten" in data["errors"][0]["message"]
    assert main(["summary", str(path)]) == 1
    out = capsys.readouterr().out
    assert "ERROR at layer 6" in out and "Insert a Flatten" in out


def test_summary_table_lists_every_layer(tmp_path: Path, capsys):
    path = tmp_path / "p.json"
    main(["new", "-o", str(path)])
    capsys.readouterr()
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Total parameters: 61,706" in out
    assert out.count("Linear") == 3


@pytest.mark.parametrize("content", [b"", b"\x80\x04garbage", b"{}"])
def test_unreadable_files_exit_2_with_one_line(tmp_path: Path, content: bytes):
    path = tmp_path / "x.pt"
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "studio", "summary", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_debug_shows_the_traceback(tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-m", "studio", "--debug", "summary", str(tmp_path / "missing.json")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "Traceback" in result.stderr
