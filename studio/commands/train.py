"""``studio train``: train a project's network in the terminal and save the best epoch."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from studio.commands.common import load_project_or_model
from studio.core.clock import format_clock
from studio.core.errors import FileFormatError, TrainingError
from studio.core.io.atomic import write_atomic
from studio.core.io.model_file import ModelFile, load_model, save_model
from studio.core.io.outputs import check_folder_writable, free_name, refuse_input, same_file
from studio.core.training.events import (
    BatchProgress,
    EpochEnded,
    Event,
    TrainingStarted,
    Unfrozen,
)
from studio.core.training.factories import LOSS_TITLES
from studio.core.training.regression import LOSS_TITLES as REGRESSION_TITLES

METRIC_KEYS = (
    "epoch",
    "train_loss",
    "train_accuracy",
    "val_loss",
    "val_accuracy",
    "per_class_accuracy",
    "seconds",
)
REGRESSION_KEYS = ("val_mae", "val_r2")
"""Added to every epoch of ``--metrics-json`` when the run is a regression."""
BAR_WIDTH = 24


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "train",
        help="train a project's network and save the best epoch",
        description="Train the network of a project file on its dataset, printing one line per "
        "epoch, then save the epoch with the best validation accuracy as a model file. "
        "Ctrl-C stops after the current batch and still saves. Giving a model file instead "
        "of a project continues its training.",
    )
    parser.add_argument("project", metavar="PROJECT.json", help="the project file to train")
    parser.add_argument(
        "--epochs",
        type=_positive_int,
        metavar="N",
        help="epochs to train (default: the project's; with --resume, the rest of the saved "
        "run, or the project's number more if it was finished)",
    )
    parser.add_argument(
        "--device", metavar="D", help="auto, cpu, cuda, cuda:1 or mps (default: the project's)"
    )
    parser.add_argument(
        "--out",
        metavar="MODEL.pt",
        help="model file to write (default: beside the project). If the file exists, the "
        "model is saved under the next free name (MODEL-2.pt, MODEL-3.pt, …) and a line says "
        "so; --force replaces it instead. An input file is never written to.",
    )
    parser.add_argument(
        "--resume", metavar="MODEL.pt", help="continue the run saved in this model file"
    )
    parser.add_argument(
        "--metrics-json",
        metavar="FILE",
        help="also write the per-epoch metrics as JSON (an existing file is kept as for --out)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace existing --out / --metrics-json files instead of picking a free name",
    )
    parser.add_argument("--quiet", action="store_true", help="print only the saved file")
    parser.add_argument(
        "--tensorboard",
        metavar="DIR",
        help="log scalars, the model graph and feature maps for TensorBoard in a new run folder "
        "inside DIR (needs pip install tensorboard). A project whose training.tensorboard "
        "setting is on logs to runs/ beside the project without this option",
    )
    parser.add_argument(
        "--nproc",
        nargs="?",
        const="auto",
        metavar="N",
        help="train on N processes with DistributedDataParallel, started by "
        "torch.distributed.run (torchrun); the global batch stays the project's batch size. "
        "Without N: one process per GPU. Only the first process prints and writes files; "
        "Ctrl-C ends every process without saving",
    )
    parser.set_defaults(run=run)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    from studio.core.training.distributed import world_from_env

    world = world_from_env()
    if not world.is_distributed:
        nproc = _nproc(args)
        if nproc > 1:
            return _launch(args, nproc)
    inputs = [args.project, args.resume]
    if args.out:
        refuse_input(args.out, inputs)
    if args.metrics_json:
        refuse_input(args.metrics_json, [*inputs, args.out])
    project, model_file = load_project_or_model(args.project)
    resume_from = load_model(args.resume) if args.resume else model_file
    out = Path(args.out) if args.out else Path(args.project).with_suffix(".pt")
    check_folder_writable(out)
    if args.metrics_json:
        check_folder_writable(Path(args.metrics_json))

    log_folder = _tensorboard_folder(args, project)
    trainer = _make_trainer(project, resume_from, args, world)
    printer = ProgressPrinter(quiet=args.quiet)
    if not world.is_main:  # the other ranks train in silence and write nothing
        signal.signal(signal.SIGINT, _leave_quietly)
        return _run_worker(trainer)
    trainer.add_observer(printer)
    if log_folder is not None:
        from studio.core.training.tensorboard_log import TensorBoardLogger

        trainer.add_observer(TensorBoardLogger(trainer, log_folder))
    with _stop_on_ctrl_c(trainer, printer, enabled=not world.is_distributed) as interrupted:
        result = trainer.run()
    printer.clear_bar()
    _end_distributed(world)

    if args.metrics_json and trainer.model is not None:
        metrics_path = _output_name(Path(args.metrics_json), inputs, args.force, "metrics")
        write_metrics_json(metrics_path, result.history)
        inputs.append(metrics_path)
    saved = trainer.model is not None and (result.reason != "failed" or result.best_epoch)
    if saved:
        model = trainer.to_model_file(best=True)
        out = save_with_fallback(_output_name(out, inputs, args.force, "model"), model, args)
        regression = _is_regression(result.history)
        if not args.quiet and result.history and not regression:
            print(per_class_table(result.history, result.best_epoch, model.classes))
        if regression:
            print(_saved_regression_line(out, result.best_epoch, result.history))
        else:
            print(_saved_line(out, result.best_epoch, result.best_val_accuracy))
    if result.error is not None:
        raise result.error
    if interrupted:
        print("Stopped by Ctrl-C.", file=sys.stderr)
        return 130
    return 0


def _nproc(args: argparse.Namespace) -> int:
    """``--nproc``: a number, or ``auto`` (one per GPU on CUDA, else 1)."""
    from studio.core.training.launch import default_nproc

    if args.nproc is None:
        return 1
    if args.nproc == "auto":
        return default_nproc(args.device or "auto")
    try:
        value = int(args.nproc)
    except ValueError:
        value = 0
    if value < 1:
        raise TrainingError(
            "--nproc must be a whole number of at least 1, not {value}.", value=args.nproc
        )
    return value


def _launch(args: argparse.Namespace, nproc: int) -> int:
    """Check the inputs once here, then run this same command on ``nproc`` processes."""
    from studio.core.training.launch import launch

    project, _ = load_project_or_model(args.project)  # a missing or broken input, once
    _check_gpus(nproc, args.device or project.training.device)
    if args.resume:
        load_model(args.resume)
    if args.tensorboard:
        from studio.core.training.tensorboard_log import require_tensorboard

        require_tensorboard()
    return launch(nproc, worker_arguments(args))


def _check_gpus(nproc: int, device: str) -> None:
    """On CUDA each process takes its own GPU: refuse more processes than GPUs."""
    import torch

    from studio.core.training.factories import resolve_device

    if resolve_device(device).type != "cuda":
        return
    count = torch.cuda.device_count()
    if nproc > count:
        raise TrainingError(
            "--nproc {nproc} needs {nproc} GPUs, one per process, but this computer has "
            "{count}. Use --nproc {count}, or --device cpu.",
            nproc=nproc,
            count=count,
        )


def worker_arguments(args: argparse.Namespace) -> list[str]:
    """``train …`` as given, without ``--nproc``: what every process runs."""
    argv = ["train", str(args.project)]
    for option in ("epochs", "device", "out", "resume", "metrics_json", "tensorboard"):
        value = getattr(args, option)
        if value is not None:
            argv += ["--" + option.replace("_", "-"), str(value)]
    argv += [flag for flag in ("--force", "--quiet") if getattr(args, flag[2:])]
    return argv


def _make_trainer(project: Any, resume_from: Any, args: argparse.Namespace, world: Any) -> Any:
    """A plain Trainer, or under torchrun a DistributedTrainer with its process group up."""
    from studio.core.training.trainer import Trainer  # torch loads only for this verb

    if not world.is_distributed:
        return Trainer(project, resume_from=resume_from, device=args.device, epochs=args.epochs)
    from studio.core.training.distributed import DistributedTrainer, start_process_group
    from studio.core.training.factories import resolve_device

    device = start_process_group(world, resolve_device(args.device or project.training.device))
    return DistributedTrainer(
        project, resume_from=resume_from, device=str(device), epochs=args.epochs, world=world
    )


def _run_worker(trainer: Any) -> int:
    """A rank other than 0: train, then leave. A failure ends with exit code 2 but says
    nothing: rank 0 meets the same failure and says it once."""
    result = trainer.run()
    _end_distributed(trainer.world)
    return 2 if result.error is not None else 0


def _leave_quietly(signum: int, frame: Any) -> None:
    """Ctrl-C on a rank other than 0: end with 130; rank 0 says "interrupted" once."""
    raise SystemExit(130)


def _end_distributed(world: Any) -> None:
    if world.is_distributed:
        from studio.core.training.distributed import end_process_group

        end_process_group()


def _tensorboard_folder(args: argparse.Namespace, project: Any) -> Path | None:
    """The new run folder, from --tensorboard or the project's setting; None for neither."""
    root = args.tensorboard
    if root is None and getattr(project.training, "tensorboard", False):
        from studio.core.training.tensorboard_log import DEFAULT_ROOT

        root = Path(args.project).resolve().parent / DEFAULT_ROOT
    if root is None:
        return None
    from studio.core.training.tensorboard_log import require_tensorboard, run_folder

    require_tensorboard()
    return run_folder(root, project.name)


def _output_name(path: Path, inputs: list[Any], force: bool, what: str) -> Path:
    """``path`` itself with ``force`` (unless it is an input), else the next free name."""
    if force and not any(s is not None and same_file(path, s) for s in inputs):
        return path
    target = free_name(path, inputs)
    if target != path:
        print(
            f"{path} already exists (or is an input), so the {what} is saved as {target.name} "
            "instead; add --force to replace it.",
            file=sys.stderr,
        )
    return target


def save_with_fallback(out: Path, model: ModelFile, args: argparse.Namespace) -> Path:
    """Save the model; if that fails, save it beside the project or in the state folder.

    The trained weights are never thrown away for want of a writable folder: the
    error then names where the model went.
    """
    from studio.logs import user_state_dir

    try:
        save_model(out, model)
        return out
    except FileFormatError as error:
        inputs = [args.project, args.resume]
        for folder in (Path(args.project).parent, user_state_dir() / "models"):
            candidate = free_name(folder / out.name, inputs)
            try:
                folder.mkdir(parents=True, exist_ok=True)
                save_model(candidate, model)
            except (FileFormatError, OSError):
                continue
            raise FileFormatError(
                "{detail} The trained model was saved to {fallback} instead.",
                detail=error,
                fallback=str(candidate),
            ) from error
        raise


def _saved_line(out: Path, best_epoch: int | None, best_acc: float | None) -> str:
    if best_epoch is None or best_acc is None:
        return f"Saved {out}."
    return f"Saved {out} (epoch {best_epoch}, validation accuracy {best_acc:.1%})."


def _is_regression(history: list[dict[str, Any]]) -> bool:
    return any("val_mae" in entry for entry in history)


def _saved_regression_line(out: Path, best_epoch: int | None, history: list[dict]) -> str:
    entry = next((h for h in history if h.get("epoch") == best_epoch), None)
    if entry is None:
        return f"Saved {out}."
    return (
        f"Saved {out} (epoch {best_epoch}, validation loss {entry['val_loss']:.4f}, "
        f"MAE {_figure(entry.get('val_mae'))}, R² {_figure(entry.get('val_r2'))})."
    )


def _figure(value: Any) -> str:
    """A regression figure in 4 significant digits, or - when there is none."""
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return "-"
    return f"{value:.4g}"


def write_metrics_json(path: Path, history: list[dict[str, Any]]) -> None:
    """``{"epochs": [{epoch, train_loss, …, seconds}, …]}``, written atomically; a
    regression adds ``val_mae`` and ``val_r2`` and has null accuracies."""
    keys = METRIC_KEYS + REGRESSION_KEYS if _is_regression(history) else METRIC_KEYS
    epochs = [{key: _json_number(entry.get(key)) for key in keys} for entry in history]
    text = json.dumps({"epochs": epochs}, indent=2, ensure_ascii=False) + "\n"
    write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))


def _json_number(value: Any) -> Any:
    """NaN is not JSON: write null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def per_class_table(
    history: list[dict[str, Any]], best_epoch: int | None, classes: list[str]
) -> str:
    """Validation accuracy per class at the best epoch (or the last), with sample counts."""
    entry = next((h for h in history if h.get("epoch") == best_epoch), history[-1])
    confusion = entry.get("confusion") or [[] for _ in classes]
    width = max([len("class"), *(len(n) for n in classes)])
    lines = [
        f"Validation accuracy per class (epoch {entry['epoch']}):",
        f"  {'class':<{width}}  accuracy  correct / samples",
    ]
    for i, (name, row) in enumerate(zip(classes, confusion, strict=False)):
        total = sum(row)
        if total:
            lines.append(f"  {name:<{width}}  {row[i] / total:>8.1%}  {row[i]:>7} / {total}")
        else:
            lines.append(f"  {name:<{width}}  {'-':>8}  {'no samples':>17}")
    return "\n".join(lines)


class ProgressPrinter:
    """Epoch lines on stdout; a one-line progress bar on stderr when it is a terminal."""

    def __init__(self, quiet: bool = False, out: TextIO | None = None, err: TextIO | None = None):
        self.quiet = quiet
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.bar = not quiet and self.err.isatty()
        self.end_epoch = 0
        self.task = "classification"
        self._bar_len = 0

    def __call__(self, event: Event) -> None:
        if self.quiet:
            return
        if isinstance(event, TrainingStarted):
            self.end_epoch = event.epochs
            self.task = event.task
            for note in event.notes:
                print(note, file=self.out)
            if event.first_epoch == event.epochs:
                span = f"epoch {event.epochs}"
            else:
                span = f"epochs {event.first_epoch} to {event.epochs}"
            titles = REGRESSION_TITLES if event.task == "regression" else LOSS_TITLES
            loss = titles.get(event.loss, event.loss)
            print(
                f"Training on {event.device} with {loss} loss: {span}, "
                f"{event.steps_per_epoch} batches each.",
                file=self.out,
                flush=True,
            )
        elif isinstance(event, BatchProgress) and self.bar:
            self._draw(event)
        elif isinstance(event, EpochEnded):
            self.clear_bar()
            print(self.epoch_line(event), file=self.out, flush=True)
        elif isinstance(event, Unfrozen):
            self.clear_bar()
            stages = f"the last {event.stages} stages" if event.stages else "all frozen layers"
            print(
                f"Epoch {event.epoch}: unfroze {stages}; they train at learning rate "
                f"{event.lr:.3g}.",
                file=self.out,
                flush=True,
            )

    def epoch_line(self, e: EpochEnded) -> str:
        width = len(str(self.end_epoch or e.epoch))
        best = "  best" if e.is_best else ""
        if e.task == "regression":
            return (
                f"epoch {e.epoch:>{width}}/{self.end_epoch}  train loss {e.train_loss:.4f}  "
                f"val loss {e.val_loss:.4f} MAE {_figure(e.val_mae)} R² {_figure(e.val_r2)}  "
                f"lr {e.lr:.3g}  {e.seconds:.1f} s{best}"
            )
        return (
            f"epoch {e.epoch:>{width}}/{self.end_epoch}  "
            f"train loss {e.train_loss:.4f} acc {e.train_accuracy:6.1%}  "
            f"val loss {e.val_loss:.4f} acc {e.val_accuracy:6.1%}  "
            f"lr {e.lr:.3g}  {e.seconds:.1f} s{best}"
        )

    def _draw(self, e: BatchProgress) -> None:
        filled = int(BAR_WIDTH * e.step / max(1, e.steps_per_epoch))
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        eta = format_clock(e.eta_seconds) if math.isfinite(e.eta_seconds) else "?"
        text = (
            f"epoch {e.epoch}/{self.end_epoch} [{bar}] {e.step}/{e.steps_per_epoch}  "
            f"loss {e.loss:.4f}  {e.samples_per_second:,.0f} samples/s  ETA {eta}"
        )
        pad = " " * max(0, self._bar_len - len(text))
        self.err.write("\r" + text + pad)
        self.err.flush()
        self._bar_len = len(text)

    def clear_bar(self) -> None:
        if self._bar_len:
            self.err.write("\r" + " " * self._bar_len + "\r")
            self.err.flush()
            self._bar_len = 0


@contextlib.contextmanager
def _stop_on_ctrl_c(
    trainer: Any, printer: ProgressPrinter, enabled: bool = True
) -> Iterator[list[bool]]:
    """The first Ctrl-C asks the trainer to stop after this batch; a second one quits.

    Not under torchrun: the ranks would stop at different batches and wait for each
    other for ever, so there Ctrl-C ends every process at once (exit code 130).
    """
    interrupted: list[bool] = []
    if not enabled:
        yield interrupted
        return

    def handler(signum: int, frame: Any) -> None:
        if interrupted:
            raise KeyboardInterrupt
        interrupted.append(True)
        printer.clear_bar()
        print(
            "Stopping after this batch (press Ctrl-C again to quit without saving)…",
            file=sys.stderr,
            flush=True,
        )
        trainer.stop()

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: leave Ctrl-C alone
        yield interrupted
        return
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


__all__ = ["ProgressPrinter", "add_parser", "per_class_table", "run", "write_metrics_json"]
