"""Warm the training path on a background thread while the window waits for the first click.

The first run of a fresh window used to stall the GUI thread for 200+ ms near its start
(issue #18). py-spy showed why: the first optimizer built imports ``torch._dynamo``
(``Optimizer.__init__`` is wrapped by ``_disable_dynamo``, which imports it on first
use), seconds of Python import that hold the GIL in long stretches, and the trainer's,
inference's and TensorBoard-free training modules were imported on first use too. Done
here, right after the window's torch import, none of that is left for the Train click.
Everything is tiny and single-threaded, so no OpenMP pool is made on this thread.
"""

from __future__ import annotations

import logging
import sys
import threading

log = logging.getLogger(__name__)

_started = threading.Event()
done = threading.Event()
"""Set when the warm-up has finished (tests and benchmarks may wait on it)."""


def warm_up_in_background() -> None:
    """Start the warm-up once per process; later calls do nothing.

    The thread is not a daemon: a program closed within seconds of opening waits for the
    imports to end (a few seconds at most) instead of finalizing under a thread that is
    importing ``torch._dynamo``, which aborted the process.
    """
    if _started.is_set():
        return
    _started.set()
    threading.Thread(target=_warm_up, name="training-warm-up", daemon=False).start()


def _warm_up() -> None:
    try:
        warm_training_path()
    except Exception:  # a failed warm-up costs only the time it would have saved
        closing = not threading.main_thread().is_alive()  # imports fail while Python exits
        if not (closing or sys.is_finalizing()):
            log.warning("warming the training path failed", exc_info=True)
    finally:
        done.set()


def warm_training_path() -> None:
    """Import what the first run imports and build and step one tiny optimizer."""
    import torch

    import studio.core.inference
    import studio.core.training.trainer  # noqa: F401

    weight = torch.zeros(4, requires_grad=True)
    optimizer = torch.optim.Adam([weight], lr=1e-3)  # imports torch._dynamo, once
    (weight * 2.0).sum().backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
