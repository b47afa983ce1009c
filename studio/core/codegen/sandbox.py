"""Importing with ``trust`` in a child process, with a time and a memory limit.

Running a file's code is what ``--trust`` allows, but an endless loop, a huge
allocation or ``sys.exit`` in that code must not hang or end the program (or lose
the window's unsaved work). So the code runs in a child Python process in its own
session; the parent waits with a deadline, can cancel, and gets plain data back:
the architecture as JSON and the traced weights as a tensor file read with
``weights_only=True``. Nothing the child returns is trusted more than a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import studio
from studio.core.errors import CodeImportError

DEFAULT_TIMEOUT = 30.0
"""Seconds the file's code may run (after the child has started)."""
START_TIMEOUT = 120.0
"""Seconds the child may take to start Python and import torch before the code runs."""
MEMORY_FRACTION = 0.5
"""Share of this machine's physical memory the file's code may allocate."""
MIN_MEMORY = 1 << 30

REQUEST, STARTED, LOG = "request.json", "started", "stderr.txt"


def physical_memory() -> int | None:
    """Bytes of RAM, or ``None`` where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def default_memory_limit() -> int:
    """Half of the physical memory (at least 1 GiB): enough for any network worth importing."""
    total = physical_memory()
    return max(MIN_MEMORY, int(total * MEMORY_FRACTION)) if total else 8 * MIN_MEMORY


@dataclass(frozen=True)
class Limits:
    """How long and how much memory the file's code may use."""

    seconds: float = DEFAULT_TIMEOUT
    memory_bytes: int = field(default_factory=default_memory_limit)


class ImportCancelled(CodeImportError):
    """The person cancelled a running import."""


class TrustedImport:
    """``import_code(trust=True)`` running in a child process; poll it, cancel it, or wait."""

    def __init__(
        self,
        source: str,
        *,
        input_shape: tuple[int, ...] | None = None,
        filename: str = "<code>",
        limits: Limits | None = None,
        constructor_args: list[str] | None = None,
    ) -> None:
        self.limits = limits or Limits()
        self.filename = filename
        self._launched = time.monotonic()
        self._started: float | None = None
        self._outcome: Any = None
        request = {
            "source": source,
            "input_shape": list(input_shape) if input_shape else None,
            "filename": filename,
            "memory_bytes": self.limits.memory_bytes,
            "constructor_args": list(constructor_args or []),
        }
        self._folder = Path()
        try:
            self._folder = Path(tempfile.mkdtemp(prefix="studio-import-"))
            (self._folder / REQUEST).write_text(json.dumps(request), encoding="utf-8")
            with open(self._folder / LOG, "wb") as log:
                self._process = subprocess.Popen(
                    [sys.executable, "-c", _CHILD, str(_PACKAGE_ROOT), str(self._folder)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                    start_new_session=os.name == "posix",  # a kill reaches its children too
                )
        except OSError as error:
            if self._folder != Path():
                shutil.rmtree(self._folder, ignore_errors=True)
            raise CodeImportError(
                "The import process could not start ({reason}).",
                reason=error.strerror or type(error).__name__,
            ) from None

    @property
    def code_running(self) -> bool:
        """Whether the file's code is running now (the child has started and not ended)."""
        return self._started is not None and self._outcome is None

    @property
    def pid(self) -> int:
        return self._process.pid

    def done(self) -> bool:
        """Whether the child has finished (or was stopped for going over its time)."""
        if self._outcome is not None:
            return True
        now = time.monotonic()
        if self._started is None and (self._folder / STARTED).exists():
            self._started = now
        code = self._process.poll()
        if code is not None:
            self._outcome = self._collect(code)
        elif self._started is not None and now - self._started > self.limits.seconds:
            self._stop()
            self._outcome = CodeImportError(
                "{file} did not finish within {seconds} seconds, so the import was stopped "
                "(an endless loop?). If the code needs longer, import it in a terminal with a "
                "longer time limit: studio import FILE --trust --timeout SECONDS.",
                file=_display(self.filename),
                seconds=_seconds(self.limits.seconds),
            )
        elif self._started is None and now - self._launched > START_TIMEOUT:
            self._stop()
            self._outcome = CodeImportError(
                "The import process did not start within {seconds} seconds; try again when "
                "the computer is less busy.",
                seconds=_seconds(START_TIMEOUT),
            )
        if self._outcome is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        return self._outcome is not None

    def result(self):
        """The ``ImportResult``; raises the import's ``StudioError`` (or says it is not done)."""
        if not self.done():
            raise RuntimeError("the import is still running")
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome

    def wait(self, poll_seconds: float = 0.05):
        """Block until the import ends; Ctrl+C stops the child too."""
        try:
            while not self.done():
                time.sleep(poll_seconds)
        finally:
            if self._outcome is None:
                self.cancel()
        return self.result()

    def cancel(self) -> None:
        """Stop the child now; ``result()`` then raises ``ImportCancelled``."""
        if self._outcome is None:
            self._stop()
            self._outcome = ImportCancelled("The import was cancelled.")
            shutil.rmtree(self._folder, ignore_errors=True)

    def _stop(self) -> None:
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if os.name == "posix":
                    os.killpg(self._process.pid, signal.SIGKILL)
                else:
                    self._process.kill()
        self._process.wait()

    def _collect(self, code: int):
        from studio.core.codegen import sandbox_result

        if os.name == "posix":  # the child's own children go with it
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._process.pid, signal.SIGKILL)
        return sandbox_result.read(self._folder, code, self.filename, self.limits, self._log())

    def _log(self) -> str:
        try:
            text = (self._folder / LOG).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[-1][:300] if lines else ""


def import_trusted(
    source: str,
    *,
    input_shape: tuple[int, ...] | None = None,
    filename: str = "<code>",
    limits: Limits | None = None,
    constructor_args: list[str] | None = None,
):
    """``import_code(..., trust=True)`` in a child process with ``limits``; blocks."""
    return TrustedImport(
        source,
        input_shape=input_shape,
        filename=filename,
        limits=limits,
        constructor_args=constructor_args,
    ).wait()


def _display(filename: str) -> str:
    return "The code" if filename.startswith("<") else Path(filename).name


def _seconds(value: float) -> str:
    return f"{value:g}"


_PACKAGE_ROOT = Path(studio.__file__).resolve().parent.parent
_CHILD = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from studio.core.codegen.sandbox_child import main; sys.exit(main(sys.argv[2]))"
)
"""The child's command line: the same ``studio`` package as the parent, then its entry."""
