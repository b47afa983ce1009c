"""Cyclic garbage holding Qt objects is collected on the GUI thread, never on a worker
thread (where a QObject's destructor deadlocked with the GUI thread in a full test run)."""

from __future__ import annotations

import gc
import threading
import weakref

import pytest
from PySide6.QtCore import QObject


class Holder:
    """A reference cycle that owns a Qt object, as a closed window's wrappers do."""


@pytest.fixture
def collections():
    """The thread of every garbage collection that starts while the test runs."""
    threads: list[str] = []

    def record(phase: str, info: dict) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.callbacks.append(record)
    yield threads
    gc.callbacks.remove(record)


def test_a_worker_threads_allocations_never_collect_qt_garbage(window, qtbot, collections):
    collected_on: list[str] = []
    holder = Holder()
    holder.itself = holder
    holder.qt_object = QObject()
    weakref.finalize(holder, lambda: collected_on.append(threading.current_thread().name))
    del holder  # now only the cycle keeps it: garbage for the cycle collector

    def allocate() -> None:  # enough new containers to trigger many automatic collections
        kept = [[] for _ in range(200_000)]
        del kept

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert collected_on == []  # the worker's allocations collected nothing
    assert "worker" not in collections

    pending = [{} for _ in range(5_000)]  # the GUI thread's timer finds a collection due
    qtbot.waitUntil(lambda: bool(collections), timeout=5_000)
    assert set(collections) == {threading.main_thread().name}
    assert set(collected_on) <= {threading.main_thread().name}
    del pending


def test_once_torch_is_ready_its_objects_are_never_walked_again(window, qtbot):
    """A full collection on the GUI thread walks only what came after start-up: walking
    torch's ~240,000 objects took ~100 ms, a stutter every ~100 s of live views."""
    from studio.gui.background import torch_loader

    loader = torch_loader()
    qtbot.waitUntil(lambda: loader.is_ready, timeout=120_000)
    import torch

    assert gc.get_freeze_count() > 50_000
    assert not any(obj is torch.nn.Linear for obj in gc.get_objects())  # frozen
