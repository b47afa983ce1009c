"""``studio train --nproc N``: the same command on N processes, started by torchrun's engine.

Nothing home-made: the arguments go through ``torch.distributed.run``'s own parser
(``--standalone --nproc-per-node N --module studio train …``, the standalone part
spelt out) and its
``elastic_launch``, exactly what ``torchrun`` does, but in this process so a worker's
failure becomes its exit code and its own one-line message instead of torchrun's
report. Each worker is ``python -m studio train …`` again, which sees torchrun's
``RANK``/``WORLD_SIZE`` and trains with DistributedDataParallel.
"""

from __future__ import annotations

import contextlib
import logging
import os
import uuid
from collections.abc import Iterator, Sequence

from studio.core.errors import TrainingError


def offered_processes(gpu_count: int) -> int:
    """The most processes the window offers: one per GPU with two or more, else 0 (hidden)."""
    return gpu_count if gpu_count > 1 else 0


def default_nproc(device: str) -> int:
    """One process per GPU on CUDA, else one."""
    import torch  # here, not at the top: the window imports this module before torch loads

    if device.startswith("cuda") or (device == "auto" and torch.cuda.is_available()):
        return max(1, torch.cuda.device_count())
    return 1


def torchrun_arguments(nproc: int, worker_args: Sequence[str]) -> list[str]:
    """The torchrun command line (without ``torchrun``) that starts the workers.

    ``--standalone`` spelt out (torchrun expands it only in its own ``run``): a c10d
    rendezvous on a free local port under a fresh id.
    """
    return [
        "--rdzv-backend=c10d",
        "--rdzv-endpoint=localhost:0",
        f"--rdzv-id={uuid.uuid4()}",
        "--nnodes=1",
        f"--nproc-per-node={nproc}",
        "--max-restarts=0",
        "--module",
        "studio",
        *worker_args,
    ]


def launch(nproc: int, worker_args: Sequence[str]) -> int:
    """Run ``studio <worker_args>`` on ``nproc`` local processes; the exit code of the run."""
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.launcher.api import elastic_launch
    from torch.distributed.run import config_from_args, get_args_parser

    if nproc < 1:
        raise TrainingError("--nproc must be at least 1.")
    # torchrun would set 1 thread per process with a warning; say so ourselves, quietly
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // nproc)))
    args = get_args_parser().parse_args(torchrun_arguments(nproc, worker_args))
    config, command, command_args = config_from_args(args)
    with _quiet_torchrun():  # a failed worker has already said why, in one line
        try:
            elastic_launch(config=config, entrypoint=command)(*command_args)
        except ChildFailedError as error:
            failures = error.failures
            first = failures.get(0) or next(iter(failures.values()))
            return int(first.exitcode) if first.exitcode and first.exitcode > 0 else 2
        except SignalException:  # Ctrl-C: torchrun stopped every worker; rank 0 said so
            return 130
    return 0


@contextlib.contextmanager
def _quiet_torchrun() -> Iterator[None]:
    """Silence torch.distributed.elastic's own log lines (each module has its own level)."""
    loggers = [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name.startswith("torch.distributed")
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
