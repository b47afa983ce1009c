"""Warm what a first run needs, on the torch-import thread, before the window says torch
is ready.

The first run of a fresh window used to stall the GUI thread for 200+ ms near its start
(issue #18): the first optimizer built imports ``torch._dynamo`` (``Optimizer.__init__``
is wrapped by ``_disable_dynamo``), seconds of Python import holding the GIL. Runs now
train in a process of their own (``core.training.process``), forked from a server that
has imported torch, ``torch._dynamo`` and the trainer once, in its own interpreter: this
starts that server, so the first click does not wait for it, and imports what the window
itself runs on the GUI thread (predictions). The window's own process never imports
``torch._dynamo`` (about 150 MB and 2.5 s of CPU it no longer spends).
"""

from __future__ import annotations

import logging
import sys
import threading

log = logging.getLogger(__name__)

done = threading.Event()
"""Set when the warm-up has finished (tests and benchmarks may wait on it)."""


def warm_up_here() -> None:
    """Warm the training path on this thread; a failure only costs the time it would save."""
    try:
        warm_training_path()
    except Exception:
        closing = not threading.main_thread().is_alive()  # imports fail while Python exits
        if not (closing or sys.is_finalizing()):
            log.warning("warming the training path failed", exc_info=True)
    finally:
        done.set()


def warm_training_path() -> None:
    """Start the training processes' server and import what predictions use."""
    from studio.core.training.process import start_server

    start_server()
    import studio.core.inference  # noqa: F401
