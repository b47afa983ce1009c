"""ONNX and torch.export export of a trained model: equal to torch, self-describing, and a
clear message when the optional packages are missing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from studio.cli import main
from studio.core.io.model_file import ModelFile, save_model
from studio.core.io.project_file import save_project
from studio.core.templates import default_project

onnxruntime = pytest.importorskip("onnxruntime")
pytest.importorskip("onnxscript")


@pytest.fixture(scope="module")
def model_file() -> ModelFile:
    """The default LeNet with seeded random weights and the sample's normalisation."""
    project = default_project()
    torch.manual_seed(0)
    net = project.architecture.build()
    classes = [str(d) for d in range(10)]
    return ModelFile(project, net.state_dict(), classes, mean=(0.13,), std=(0.31,))


def test_onnx_output_equals_torch_for_any_batch(model_file: ModelFile, tmp_path: Path) -> None:
    from studio.core.io.onnx_export import INPUT_NAME, OUTPUT_NAME, export_onnx, read_metadata

    target = tmp_path / "lenet.onnx"
    report = export_onnx(model_file, target, torch.randn(8, 1, 28, 28))
    assert report.ok and report.max_abs_diff <= 1e-4 and report.samples == 8

    session = onnxruntime.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == [INPUT_NAME]
    assert [o.name for o in session.get_outputs()] == [OUTPUT_NAME]
    net = model_file.build_model()
    for batch in (1, 5):  # the batch axis is dynamic
        x = torch.randn(batch, 1, 28, 28)
        (got,) = session.run(None, {INPUT_NAME: x.numpy()})
        assert np.abs(got - net(x).detach().numpy()).max() <= 1e-4

    meta = read_metadata(target)
    assert json.loads(meta["classes"]) == model_file.classes
    assert json.loads(meta["mean"]) == [0.13] and json.loads(meta["std"]) == [0.31]
    assert json.loads(meta["input_shape"]) == [1, 28, 28]


def test_export_command_checks_onnx_on_validation_images(
    model_file: ModelFile, tmp_path: Path, capsys
) -> None:
    saved = tmp_path / "m.pt"
    save_model(saved, model_file)
    out = tmp_path / "m.onnx"
    assert main(["export", str(saved), "--format", "onnx", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert out.stat().st_size > 1000
    assert "on 8 validation images" in text and "within the tolerance of 1e-4" in text


def test_torch_export_program_round_trips(model_file: ModelFile, tmp_path: Path, capsys) -> None:
    saved = tmp_path / "m.pt"
    save_model(saved, model_file)
    out = tmp_path / "m.pt2"
    assert main(["export", str(saved), "--format", "pt2", "-o", str(out)]) == 0
    extra = {"studio_metadata.json": ""}
    program = torch.export.load(str(out), extra_files=extra)
    x = torch.randn(3, 1, 28, 28)
    assert torch.allclose(program.module()(x), model_file.build_model()(x), atol=1e-5)
    assert json.loads(json.loads(extra["studio_metadata.json"])["classes"]) == model_file.classes


def test_a_project_without_weights_is_refused(tmp_path: Path, capsys) -> None:
    project = tmp_path / "p.json"
    save_project(project, default_project())
    out = tmp_path / "p.onnx"
    assert main(["export", str(project), "--format", "onnx", "-o", str(out)]) == 2
    assert "without trained weights; train it first" in capsys.readouterr().err
    assert not out.exists()


def test_missing_onnx_packages_say_how_to_install(
    model_file: ModelFile, tmp_path: Path, capsys, monkeypatch
) -> None:
    saved = tmp_path / "m.pt"
    save_model(saved, model_file)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # import onnxruntime now fails
    out = tmp_path / "m.onnx"
    assert main(["export", str(saved), "--format", "onnx", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "needs onnxruntime, which is not installed" in err
    assert 'pip install "sequential-studio[onnx]"' in err and "Traceback" not in err
    assert not out.exists()
