"""The import child's entry: limit memory, run ``import_code(trust=True)``, hand back data.

Started by ``sandbox.TrustedImport`` as ``python -c ... FOLDER``. Whatever the
file's code does (raise, ``sys.exit``, allocate too much), the outcome ends up in
``FOLDER/result.json``; then the process ends at once with ``os._exit``, so that
threads or ``atexit`` handlers the code left behind cannot keep it alive.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

from studio.core.codegen import sandbox_result
from studio.core.codegen.sandbox import REQUEST, STARTED
from studio.core.errors import StudioError


def main(folder_name: str) -> int:
    folder = Path(folder_name)
    request = json.loads((folder / REQUEST).read_text(encoding="utf-8"))
    import torch  # noqa: F401  (imported before the clock and the memory limit start)

    from studio.core.codegen import tracer  # noqa: F401

    if "torchvision" in request["source"]:
        _import_torchvision()  # seconds of start-up that are not the file's code
    from studio.core.codegen.importer import import_code

    limit_memory(int(request["memory_bytes"]))
    _silence_output()
    (folder / STARTED).touch()
    shape = request.get("input_shape")
    try:
        result = import_code(
            request["source"],
            input_shape=tuple(shape) if shape else None,
            trust=True,
            filename=request["filename"],
            constructor_args=[str(a) for a in request.get("constructor_args") or []],
        )
        data = sandbox_result.encode_result(result, folder)
    except StudioError as error:
        data = sandbox_result.encode_error(error)
    except MemoryError:
        data = {"memory": True}
    except SystemExit as stop:
        data = {"exit": stop.code if isinstance(stop.code, int) else repr(stop.code)}
    except BaseException as error:  # the file's code may raise anything at all
        data = {"crash": _describe(error)}
    sandbox_result.write(folder, data)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _import_torchvision() -> None:
    # not installed or broken: the file's own import says so, with its line
    with contextlib.suppress(Exception):
        import torchvision  # noqa: F401


def _silence_output() -> None:
    """From here on, what the file's code prints goes nowhere: not into an ever-growing log."""
    null = os.open(os.devnull, os.O_WRONLY)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def _describe(error: BaseException) -> str:
    try:
        lines = str(error).splitlines()
    except Exception:  # an exception whose __str__ fails too
        lines = []
    return f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__


def limit_memory(allowed: int) -> None:
    """Let the file's code allocate at most ``allowed`` more bytes (POSIX ``RLIMIT_AS``)."""
    try:
        import resource
    except ImportError:  # Windows: the time limit still holds
        return
    limit = _address_space() + allowed
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _address_space() -> int:
    """Bytes of address space this process already holds (torch maps a lot of it)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 4 << 30
