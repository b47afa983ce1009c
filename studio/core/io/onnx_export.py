"""A trained model as an ONNX file that other runtimes can load, checked right after writing.

The graph takes normalised images, ``(batch, *input_shape)`` float32 with a dynamic
batch axis, named ``normalized_images``, and gives ``class_scores`` (the network's raw
output). The class names and the normalisation ``(x / 255 - mean) / std`` travel in
the model's metadata, so a consumer can prepare images without this program.

``onnx``, ``onnxscript`` and ``onnxruntime`` are optional (``pip install
sequential-studio[onnx]``); without them a StudioError says how to install them.
"""

from __future__ import annotations

import importlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from studio.core.errors import FileFormatError, Message, StudioError
from studio.core.io.atomic import write_atomic
from studio.core.io.model_file import ModelFile

INPUT_NAME = "normalized_images"
OUTPUT_NAME = "class_scores"
OPSET = 18
TOLERANCE = 1e-4
"""Largest absolute difference between onnxruntime and torch that counts as equal."""
CHECK_SAMPLES = 8
ONNX_PACKAGES = ("onnx", "onnxscript", "onnxruntime")
INSTALL_HINT = (
    'pip install "sequential-studio[onnx]"  (or: pip install onnx onnxscript onnxruntime)'
)


class MissingPackageError(StudioError):
    """An optional package a feature needs is not installed."""


@dataclass(frozen=True)
class OnnxReport:
    """What the check after export found."""

    path: Path
    max_abs_diff: float
    samples: int
    source: Message
    """Where the check inputs came from: validation images or random ones."""

    @property
    def ok(self) -> bool:
        return self.max_abs_diff <= TOLERANCE


def require_onnx() -> None:
    """Raise a MissingPackageError naming the install command unless the packages import."""
    missing = []
    for name in ONNX_PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise MissingPackageError(
            "ONNX export needs {missing}, which is not installed. Install it with: {command}",
            missing=", ".join(missing),
            command=INSTALL_HINT,
        )


def metadata(model_file: ModelFile) -> dict[str, str]:
    """Class names, normalisation and input shape as ONNX metadata (strings, JSON values)."""
    project = model_file.project
    return {
        "producer": "Sequential Studio",
        "project": project.name,
        "classes": json.dumps(list(model_file.classes), ensure_ascii=False),
        "mean": json.dumps(list(model_file.mean) or [0.0]),
        "std": json.dumps(list(model_file.std) or [1.0]),
        "normalization": "(pixel / 255 - mean) / std, per channel",
        "input_shape": json.dumps(list(project.architecture.input_shape)),
    }


def export_onnx(
    model_file: ModelFile, path: str | os.PathLike[str], check_inputs: torch.Tensor | None = None
) -> OnnxReport:
    """Write ``model_file`` as ONNX to ``path`` (atomically) and compare it with torch."""
    require_onnx()
    import onnx

    model = model_file.build_model()
    shape = tuple(int(n) for n in model_file.project.architecture.input_shape)
    example = torch.zeros((2, *shape))
    with tempfile.TemporaryDirectory(prefix="studio-onnx-") as folder:
        scratch = Path(folder) / "model.onnx"
        _torch_export(model, example, scratch)
        proto = onnx.load(str(scratch))
    for key, value in metadata(model_file).items():
        entry = proto.metadata_props.add()
        entry.key, entry.value = key, value
    data = proto.SerializeToString()
    target = Path(path)
    write_atomic(target, lambda handle: handle.write(data))
    if check_inputs is None:
        inputs, source = torch.randn((CHECK_SAMPLES, *shape)), Message("random inputs")
    else:
        inputs, source = check_inputs[:CHECK_SAMPLES].float(), Message("validation images")
    diff = compare_with_torch(data, model, inputs)
    return OnnxReport(target, diff, int(inputs.shape[0]), source)


def _torch_export(model: torch.nn.Module, example: torch.Tensor, path: Path) -> None:
    """torch's dynamo exporter (torch.export + onnxscript) with a dynamic batch axis."""
    batch = torch.export.Dim("batch", min=1)
    try:
        torch.onnx.export(
            model,
            (example,),
            str(path),
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_shapes=({0: batch},),
            opset_version=OPSET,
            dynamo=True,
            verbose=False,
        )
    except Exception as error:  # torch's exporter raises many kinds; say which layer failed
        raise FileFormatError(
            "The network could not be exported to ONNX ({detail}).",
            detail=str(error).strip().splitlines()[0][:200] if str(error) else type(error).__name__,
        ) from error


def compare_with_torch(data: bytes, model: torch.nn.Module, inputs: torch.Tensor) -> float:
    """Largest absolute difference between onnxruntime's and torch's outputs on ``inputs``."""
    import onnxruntime

    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    (got,) = session.run([OUTPUT_NAME], {INPUT_NAME: inputs.numpy().astype(np.float32)})
    with torch.inference_mode():
        expected = model(inputs).numpy()
    return float(np.max(np.abs(got - expected))) if expected.size else 0.0


def validation_inputs(model_file: ModelFile, count: int = CHECK_SAMPLES) -> torch.Tensor | None:
    """A few normalised validation images of the model's dataset, or None if not on disk."""
    from studio.core.data import load_dataset
    from studio.core.data.batches import normalise

    project = model_file.project
    try:
        data = load_dataset(project.dataset, project.architecture.input_shape, download=False)
    except (StudioError, OSError):
        return None
    images = data.val_images[:count]
    if images.shape[0] == 0:
        return None
    return normalise(images, model_file.mean or data.mean, model_file.std or data.std).float()


def read_metadata(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The metadata of an ONNX file as a dict (for tests and consumers)."""
    require_onnx()
    import onnx

    proto = onnx.load(str(path))
    return {entry.key: entry.value for entry in proto.metadata_props}
