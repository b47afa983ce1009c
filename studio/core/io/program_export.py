"""A trained model as a ``torch.export`` program (``.pt2``): the graph without Python code.

We chose ``torch.export`` over TorchScript: TorchScript is in maintenance mode in
PyTorch 2.x, while ``torch.export`` is what torch's own ONNX exporter, AOTInductor
and ExecuTorch build on. ``torch.export.load(path).module()`` gives back a module
that takes normalised images with any batch size; class names and normalisation
are stored beside the graph in the archive's extra files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import torch

from studio.core.errors import FileFormatError
from studio.core.io.atomic import write_atomic
from studio.core.io.model_file import ModelFile
from studio.core.io.onnx_export import metadata

METADATA_FILE = "studio_metadata.json"


def export_program(model_file: ModelFile, path: str | os.PathLike[str]) -> Path:
    """Write the model's ExportedProgram with a dynamic batch axis to ``path`` (atomically)."""
    import json

    model = model_file.build_model()
    shape = tuple(int(n) for n in model_file.project.architecture.input_shape)
    batch = torch.export.Dim("batch", min=1)
    try:
        program = torch.export.export(
            model, (torch.zeros((2, *shape)),), dynamic_shapes=({0: batch},)
        )
    except Exception as error:  # torch.export raises many kinds; name the first line
        raise FileFormatError(
            "The network could not be exported with torch.export ({detail}).",
            detail=str(error).strip().splitlines()[0][:200] if str(error) else type(error).__name__,
        ) from error
    extra = {METADATA_FILE: json.dumps(metadata(model_file), ensure_ascii=False)}
    with tempfile.TemporaryDirectory(prefix="studio-pt2-") as folder:
        scratch = Path(folder) / "model.pt2"
        torch.export.save(program, str(scratch), extra_files=extra)
        data = scratch.read_bytes()
    target = Path(path)
    write_atomic(target, lambda handle: handle.write(data))
    return target
