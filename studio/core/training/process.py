"""The trainer in a process of its own, driven like a ``Trainer`` on a thread.

Why: a crash in a native op or the out-of-memory killer ends the run, not the window;
the views' Python never waits for the training loop's GIL; and the process runs at a
lower priority (``NICENESS``), so the GUI thread gets a core the moment it wakes (a
10 ms timer's p99 lateness ~35 ms -> ~15 ms, issue #18). It does not make training in
the window faster: on 2 cores the GUI thread's CPU costs the trainer the same either
way (docs/benchmarks.md, "Third pass").

The child is forked from a ``multiprocessing`` fork server that has already imported
torch and the trainer (``start_server``, called once torch is loaded), so a run starts
in tens of milliseconds instead of the seconds a fresh interpreter needs. Where there
is no fork server (Windows), a fresh interpreter is spawned.

Messages are pickled by value (``pickle``, not the multiprocessing pickler, which would
hand tensors over through shared memory that the child's exit can pull away):

- child → parent: ``("alive", None)`` first, ``("event", e)``,
  ``("data", LoadedData)`` before ``TrainingStarted``,
  ``("snapshot", state_dict)`` before each ``EpochEnded``, ``("model", ModelFile)``,
  ``("failed", StudioError)``, ``("crashed", (kind, text, traceback))``, ``("done", None)``;
- parent → child: ``"stop"``, ``"pause"``, ``"resume"``, ``("probe", index)``. When the
  parent goes away, its end of the pipe closes and the child stops.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.core.errors import StudioError, TrainingError
from studio.core.project import Project
from studio.core.training.events import EpochEnded, Event, Observer, TrainingStarted

if TYPE_CHECKING:
    from studio.core.training.trainer import Trainer

log = logging.getLogger(__name__)

PRELOAD = ["studio.core.training.process_preload"]
"""What the fork server imports once, so no child imports it again."""

NICENESS = 5
"""The niceness of the fork server and its children (``lower_priority``). The window's
GUI thread then gets a core the moment it wakes, instead of waiting for the trainer's time
slice: a 10 ms timer's p99 lateness fell from ~35 ms to ~15 ms (benchmarks:
responsiveness, first-run). Alone on the machine the child still gets every core, so
training is not slower for it."""

START_TIMEOUT_S = 120.0
"""How long a child may take to say it runs (a fresh interpreter imports torch first);
loading the data comes after and has no time limit (Stop ends it)."""


class TrainingCrashed(Exception):
    """The child failed with an exception that is not a ``StudioError`` (a bug)."""

    def __init__(self, kind: str, text: str, child_traceback: str) -> None:
        super().__init__(text)
        self.kind = kind
        self.child_traceback = child_traceback


class ChildVanished(TrainingError):
    """The child ended without saying why (killed, or a crash in native code)."""


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def start_server() -> None:
    """Start the fork server now; it imports torch and the trainer in its own process
    while the person edits, so the first run need not wait for that. Returns at once;
    idempotent; without a fork server (Windows) every run spawns a fresh interpreter."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    _context()  # sets the server's imports (PRELOAD)
    from multiprocessing import forkserver

    forkserver.ensure_running()


def lower_priority() -> None:
    """Run this process at ``NICENESS`` (not below it): the window first. The fork server
    calls it as it starts, so its imports never slow the window either, and its children
    inherit it."""
    if not hasattr(os, "nice"):  # Windows: the window keeps its normal priority
        return
    with contextlib.suppress(OSError):
        current = os.nice(0)
        if current < NICENESS:
            os.nice(NICENESS - current)


def server_started() -> bool:
    """Whether this process has started the fork server (tests, diagnostics)."""
    from multiprocessing import forkserver

    return forkserver._forkserver._forkserver_pid is not None


@dataclass(frozen=True)
class Job:
    """Everything the child needs; the fork server's own environment and folder are old."""

    project: Project
    num_threads: int | None
    log_root: Path | None
    environment: dict[str, str]
    folder: str


class TrainerProcess:
    """A ``Trainer``'s run in a child process; the observers are called in ``run``'s thread."""

    def __init__(
        self, project: Project, num_threads: int | None = None, log_root: Path | None = None
    ) -> None:
        self._job = Job(project.copy(), num_threads, log_root, dict(os.environ), os.getcwd())
        self._observers: list[Observer] = []
        self._lock = threading.Lock()
        self._commands: Connection | None = None
        self._queued: list[Any] = []
        self._process: multiprocessing.process.BaseProcess | None = None
        self._killed = False
        self.data: Any = None
        self._state: dict[str, Any] | None = None
        self._model_file: Any = None

    def add_observer(self, callback: Observer) -> None:
        self._observers.append(callback)

    # --- control (any thread) -------------------------------------------------------

    def stop(self) -> None:
        self._send("stop")

    def pause(self) -> None:
        self._send("pause")

    def resume(self) -> None:
        self._send("resume")

    def request_feature_maps(self, probe_index: int | None = None) -> None:
        self._send(("probe", probe_index))

    def kill(self) -> None:
        """End the child now (the window is closing and the run did not stop in time)."""
        with self._lock:
            self._killed = True
            process = self._process
        if process is not None and process.is_alive():
            process.kill()

    def _send(self, command: Any) -> None:
        with self._lock:
            if self._commands is None:
                self._queued.append(command)
                return
            with contextlib.suppress(OSError, ValueError):
                self._commands.send(command)

    # --- the run's results ----------------------------------------------------------

    def state_dict(self) -> dict[str, Any]:
        """The weights after the last finished epoch (CPU tensors)."""
        if self._state is None:
            raise TrainingError("There are no weights yet: training has not started.")
        return self._state

    def result_file(self) -> Any:
        """The finished run as a ``ModelFile`` (best weights), or None if nothing trained."""
        return self._model_file

    # --- running --------------------------------------------------------------------

    def run(self) -> None:
        """Start the child and relay its messages until it ends.

        Raises ``StudioError`` for a failure the child explained, ``TrainingCrashed`` for
        a bug in it, and ``ChildVanished`` if it ended without a word.
        """
        if self._killed:  # the window closed before the run began
            return
        context = _context()
        events_in, events_out = context.Pipe(duplex=False)
        commands_in, commands_out = context.Pipe(duplex=False)
        process = context.Process(
            target=child_main,
            args=(self._job, events_out, commands_in),
            name="studio-training",
            daemon=False,  # its DataLoader may start workers of its own
        )
        # Not under the lock: the first run may wait here for the fork server's imports,
        # and Stop or a closing window must not wait with it.
        process.start()
        with self._lock:
            self._process = process
            self._commands = commands_out
            for command in self._queued:
                with contextlib.suppress(OSError, ValueError):
                    commands_out.send(command)
            self._queued.clear()
            killed = self._killed
        if killed:  # the window closed while the child was being made
            process.kill()
        events_out.close()  # only the child writes: its exit closes the pipe
        commands_in.close()
        try:
            self._relay(events_in)
        finally:
            events_in.close()
            with self._lock:
                self._commands = None
                with contextlib.suppress(OSError):
                    commands_out.close()
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)

    def _relay(self, events: Connection) -> None:
        said_anything = False
        while True:
            try:
                if not said_anything and not events.poll(START_TIMEOUT_S):
                    raise ChildVanished(
                        "The training process did not start within {seconds:.0f} s. "
                        "Try again; if it keeps happening, restart Sequential Studio.",
                        seconds=START_TIMEOUT_S,
                    )
                kind, payload = pickle.loads(events.recv_bytes())
            except (EOFError, OSError) as error:
                if self._killed:
                    return
                raise ChildVanished(
                    "The training process ended unexpectedly, perhaps out of memory. "
                    "Your project is unchanged; lower the batch size and train again."
                ) from error
            said_anything = True
            if kind == "done":
                return
            if kind == "event":
                for observer in list(self._observers):
                    observer(payload)
            elif kind == "data":
                self.data = payload
            elif kind == "snapshot":
                self._state = payload
            elif kind == "model":
                self._model_file = payload
            elif kind == "failed":
                raise payload
            elif kind == "crashed":
                raise TrainingCrashed(*payload)


def window_trainer(
    project: Project, num_threads: int | None, log_root: Path | None, observer: Observer
) -> Trainer:
    """The window's ``Trainer``: ``observer`` first, then a TensorBoard run under ``log_root``
    if one is asked for. The same in the training process and on a thread."""
    from studio.core.training.trainer import Trainer

    trainer = Trainer(project, num_threads=num_threads)
    trainer.add_observer(observer)
    if log_root is not None:
        from studio.core.training.tensorboard_log import TensorBoardLogger, run_folder

        trainer.add_observer(TensorBoardLogger(trainer, run_folder(log_root, project.name)))
    return trainer


# --- the child ---------------------------------------------------------------------


def child_main(job: Job, events: Connection, commands: Connection) -> None:
    """Train ``job.project`` and report everything over ``events``; obey ``commands``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal is the window's
    lower_priority()  # inherited from the server already; spawned, or if its imports failed
    os.environ.clear()
    os.environ.update(job.environment)
    with contextlib.suppress(OSError):
        os.chdir(job.folder)
    send_lock = threading.Lock()

    def send(kind: str, payload: Any) -> None:
        blob = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
        with send_lock:
            events.send_bytes(blob)

    send("alive", None)  # the start timeout covers only this; loading data may take long
    try:

        def forward(event: Event) -> None:
            if isinstance(event, TrainingStarted):
                send("data", _for_the_window(trainer.data))
            if isinstance(event, EpochEnded):
                send("snapshot", trainer.state_dict())
            send("event", event)

        trainer = window_trainer(job.project, job.num_threads, job.log_root, forward)
        threading.Thread(target=_obey, args=(commands, trainer), daemon=True).start()
        trainer.run()
        model_file = trainer.result_file()
        if model_file is not None:
            send("model", model_file)
    except StudioError as error:
        try:
            send("failed", error)
        except Exception:  # an argument that does not pickle: its English text still does
            send("failed", StudioError("{text}", text=error.message))
    except BaseException as error:  # a bug: the window says so and logs the traceback
        send("crashed", (type(error).__name__, str(error), traceback.format_exc()))
    finally:
        with contextlib.suppress(OSError, ValueError):
            send("done", None)
        events.close()


def _obey(commands: Connection, trainer: Any) -> None:
    """The child's command thread; a closed pipe (the window went away) means stop."""
    while True:
        try:
            command = commands.recv()
        except (EOFError, OSError):
            trainer.stop()
            return
        if command == "stop":
            trainer.stop()
        elif command == "pause":
            trainer.pause()
        elif command == "resume":
            trainer.resume()
        elif isinstance(command, tuple) and command[0] == "probe":
            trainer.request_feature_maps(command[1])


def _for_the_window(data: Any) -> Any:
    """The loaded data without its training split: the window shows validation images
    only, and the training split can be hundreds of megabytes."""
    import torch

    if data is None:
        return None
    if isinstance(data.train_images, torch.Tensor) and isinstance(data.train_labels, torch.Tensor):
        return dataclasses.replace(
            data, train_images=data.train_images[:0].clone(), train_labels=data.train_labels[:0]
        )
    return data
