"""What the import child hands back, as plain data: written by the child, checked by the parent.

The child writes ``result.json`` (an architecture as JSON, or an error as its
template and arguments, or what stopped it) and, for a traced class, the weights
as ``weights.pt``. The parent reads them like any untrusted file: sizes capped,
the architecture validated, tensors loaded with ``weights_only=True``.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.core.errors import ArchitectureError, CodeImportError, Message, StudioError

if TYPE_CHECKING:
    from studio.core.codegen.importer import ImportResult
    from studio.core.codegen.sandbox import Limits

RESULT, WEIGHTS = "result.json", "weights.pt"
MAX_RESULT_BYTES = 64 << 20
"""Far above the JSON of a network of MAX_LAYERS layers with its notes."""


# --- in the child --------------------------------------------------------------------


def write(folder: Path, data: dict[str, Any]) -> None:
    (folder / RESULT).write_text(json.dumps(data), encoding="utf-8")


def encode_result(result: ImportResult, folder: Path) -> dict[str, Any]:
    """The result as JSON-able data; its weights go to ``weights.pt`` beside it."""
    import torch

    if result.state_dict is not None:
        torch.save(result.state_dict, folder / WEIGHTS)
    return {
        "ok": {
            "architecture": result.architecture.to_dict(),
            "notes": [str(note) for note in result.notes],
            "source_kind": result.source_kind,
            "name": result.name,
            "weights": result.state_dict is not None,
        }
    }


def encode_error(error: StudioError) -> dict[str, Any]:
    """A ``StudioError`` as its class name, template and arguments."""
    from studio.core.codegen.input_shape import InputShapeNeeded

    data: dict[str, Any] = {
        "kind": type(error).__name__,
        "template": error.template,
        "args": {k: _plain(v) for k, v in error.args_map.items()},
    }
    if isinstance(error, InputShapeNeeded):
        data["fits"] = [list(shape) for shape in error.fits]
    return {"error": data}


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Message):
        args = {k: _plain(v) for k, v in value.args.items()}
        return {"__message__": value.template, "args": args}
    if isinstance(value, (tuple, list)):
        kind = "__tuple__" if isinstance(value, tuple) else "__list__"
        return {kind: [_plain(v) for v in value]}
    return str(value)


# --- in the parent -------------------------------------------------------------------


def read(folder: Path, code: int, filename: str, limits: Limits, log: str) -> Any:
    """The ``ImportResult``, or the ``StudioError`` to raise, from a finished child."""
    data = _load_json(folder / RESULT)
    file = "The code" if filename.startswith("<") else Path(filename).name
    if data is None:
        return _no_result(code, file, started=(folder / "started").exists(), log=log)
    if "ok" in data:
        return _result(data["ok"], folder)
    if "error" in data:
        return _error(data["error"])
    if "memory" in data:
        return CodeImportError(
            "{file} tried to use more memory than the import allows ({limit}), so the import "
            "was stopped. Make the network smaller, or check the code for a huge allocation.",
            file=file,
            limit=_gigabytes(limits.memory_bytes),
        )
    if "exit" in data:
        return CodeImportError(
            "{file} called sys.exit({code}) while it was imported, so the import was stopped. "
            'Move that call under if __name__ == "__main__":, then import again.',
            file=file,
            code=str(data["exit"])[:40],
        )
    return CodeImportError(
        "Running {file} failed ({reason}), so nothing was imported.",
        file=file,
        reason=str(data.get("crash", "no result"))[:200],
    )


def _no_result(code: int, file: str, *, started: bool, log: str) -> StudioError:
    if not started:
        return CodeImportError(
            "The import process could not start ({reason}).", reason=log or f"exit code {code}"
        )
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        return CodeImportError(
            "The import process running {file} was ended by signal {signal} (it may have run "
            "out of memory or crashed), so nothing was imported.",
            file=file,
            signal=name,
        )
    return CodeImportError(
        "{file} ended the import process with exit code {code} (os._exit?) before the import "
        "finished, so nothing was imported. Remove that call from the code the import runs.",
        file=file,
        code=code,
    )


def _load_json(path: Path) -> dict[str, Any] | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_RESULT_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _result(data: Any, folder: Path) -> ImportResult | StudioError:
    from studio.core.architecture import Architecture
    from studio.core.codegen.importer import ImportResult

    broken = CodeImportError("The import process returned a result that cannot be read.")
    if not isinstance(data, dict):
        return broken
    try:
        architecture = Architecture.from_dict(data.get("architecture"))
    except (ArchitectureError, AttributeError, TypeError, ValueError):
        return broken
    notes = [n for n in data.get("notes", []) if isinstance(n, str)]
    kind = data.get("source_kind")
    name = data.get("name")
    if kind not in ("sequential", "module") or not isinstance(name, str):
        return broken
    weights = _weights(folder / WEIGHTS) if data.get("weights") else None
    return ImportResult(architecture, notes, kind, name, weights)


def _weights(path: Path) -> dict | None:
    import torch

    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # a file the child could not finish: the network imports without weights
        return None
    ok = isinstance(state, dict) and all(
        isinstance(k, str) and isinstance(v, torch.Tensor) and v.layout == torch.strided
        for k, v in state.items()
    )
    return state if ok else None


def _error(data: Any) -> StudioError:
    from studio.core.codegen.importer import TrustNeeded
    from studio.core.codegen.input_shape import InputShapeNeeded

    if not isinstance(data, dict) or not isinstance(data.get("template"), str):
        return CodeImportError("The import process returned a result that cannot be read.")
    template = data["template"]
    raw_args = data.get("args")
    args = {str(k): _unplain(v) for k, v in raw_args.items()} if isinstance(raw_args, dict) else {}
    try:
        template.format(**args)
    except (KeyError, IndexError, ValueError, AttributeError):
        return CodeImportError("The import process returned a result that cannot be read.")
    kind = data.get("kind")
    if kind == "InputShapeNeeded":
        try:
            fits = [tuple(int(n) for n in shape) for shape in data.get("fits", [])]
        except (TypeError, ValueError):
            fits = []
        return InputShapeNeeded(template, fits, **args)
    classes = {"TrustNeeded": TrustNeeded, "ArchitectureError": ArchitectureError}
    return classes.get(kind, CodeImportError)(template, **args)


def _unplain(value: Any) -> Any:
    if isinstance(value, dict):
        if "__message__" in value:
            inner = value.get("args")
            inner = inner if isinstance(inner, dict) else {}
            args = {str(k): _unplain(v) for k, v in inner.items()}
            return Message(str(value["__message__"]), args)
        if "__tuple__" in value:
            return tuple(_unplain(v) for v in value["__tuple__"])
        if "__list__" in value:
            return [_unplain(v) for v in value["__list__"]]
        return str(value)
    return value


def _gigabytes(size: int) -> str:
    return f"{size / (1 << 30):.1f} GB"
