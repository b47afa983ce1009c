"""Warm the training path on the torch-import thread, before the window says torch is ready.

The first run of a fresh window used to stall the GUI thread for 200+ ms near its start
(issue #18). py-spy showed why: the first optimizer built imports ``torch._dynamo``
(``Optimizer.__init__`` is wrapped by ``_disable_dynamo``, which imports it on first
use), seconds of Python import that hold the GIL in long stretches, and the trainer's
and inference's modules were imported on first use too. Done on a thread of its own
right after torch was ready, the same imports still stalled a run started within a
second or two (first-run benchmark: max 150-250 ms); done before ``ready``, a run
started once the window is ready meets none of it. Everything is tiny and
single-threaded, so no OpenMP pool is made on the import thread.
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
    """Import what the first run imports and build and step one tiny optimizer."""
    import torch

    import studio.core.inference
    import studio.core.training.trainer  # noqa: F401

    weight = torch.zeros(4, requires_grad=True)
    optimizer = torch.optim.Adam([weight], lr=1e-3)  # imports torch._dynamo, once
    (weight * 2.0).sum().backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
