"""Python's cycle collector runs on the GUI thread only.

Why: left automatic, a collection runs on whichever thread happens to allocate, so a
worker thread (the data preview, the torch import, the training relay) can be the one
that destroys a closed dialog's or window's Qt objects. A QObject destroyed there takes
Qt's locks while the GUI thread holds them and waits for the GIL: the program hangs
(seen in the test suite: a CSV preview's thread destroying an earlier window's QMenu).
pyqtgraph's ``GarbageCollector`` turns the automatic collector off and collects on a
GUI-thread timer instead; objects without cycles are still freed at once by reference
counting, so this delays only cyclic garbage, by at most ``INTERVAL_S``.

pyqtgraph's collector runs a full collection every ~10 gen-1 ones, without CPython's rule
that skips most of them. With torch imported a full collection walks ~240,000 objects
(~100 ms on this machine, a visible stutter), so once torch is loaded the objects alive
then move to the permanent generation (``freeze_start_up``) and a full collection walks
only what came after (under 1 ms).
"""

from __future__ import annotations

import gc

from pyqtgraph.util.garbage_collector import GarbageCollector

INTERVAL_S = 1.0
"""How often the GUI thread checks whether a collection is due."""

_collector: GarbageCollector | None = None


def collect_on_gui_thread() -> GarbageCollector:
    """Hand cycle collection to a timer on the calling (GUI) thread; idempotent."""
    global _collector
    if _collector is None:
        _collector = GarbageCollector(interval=INTERVAL_S)
    return _collector


def freeze_start_up() -> None:
    """Collect what start-up left over, then exempt every object still alive from later
    collections. Called on the GUI thread by the process-wide torch loader, once."""
    gc.collect()
    gc.freeze()
