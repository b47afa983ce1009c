"""DistributedDataParallel under torchrun on the CPU (gloo): the exported script and
``studio train --nproc 2`` train like one process, and only rank 0 writes."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from studio.cli import build_parser, main
from studio.commands.train import worker_arguments
from studio.core.io.model_file import load_model
from studio.core.io.project_file import save_project
from studio.core.templates import default_project
from studio.core.training.distributed import World, shard, world_from_env
from studio.core.training.launch import torchrun_arguments
from tests.core.test_export_script import EPOCH_LINE, run_script, write

ROOT = Path(__file__).resolve().parents[2]
PROGRESS = re.compile(
    r"^epoch 1/1  train loss [\d.]+ acc +[\d.]+%  val loss [\d.]+ acc +([\d.]+)%  "
    r"lr [\d.e+-]+  [\d.]+ s  best$",
    re.M,
)


def child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK")}
    env["PYTHONPATH"] = str(ROOT)
    env["OMP_NUM_THREADS"] = "1"
    return env


def test_each_rank_takes_every_nth_sample_of_the_global_batch() -> None:
    x, y = torch.arange(10), torch.arange(10) * 10
    first, second = shard(x, y, World(0, 0, 2)), shard(x, y, World(1, 1, 2))
    assert first[0].tolist() == [0, 2, 4, 6, 8] and second[0].tolist() == [1, 3, 5, 7, 9]
    assert second[1].tolist() == [10, 30, 50, 70, 90]
    assert sorted(first[0].tolist() + second[0].tolist()) == x.tolist()  # all, once
    small = shard(x[:1], y[:1], World(1, 1, 2))  # fewer samples than ranks: all train it
    assert small[0].tolist() == [0]


def test_the_world_comes_from_torchruns_environment() -> None:
    assert world_from_env({}) == World(0, 0, 1) and not world_from_env({}).is_distributed
    world = world_from_env({"RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "4"})
    assert world == World(3, 1, 4) and world.is_distributed and not world.is_main


def test_workers_get_the_same_command_without_nproc() -> None:
    args = build_parser().parse_args(
        ["train", "p.json", "--nproc", "2", "--epochs", "1", "--metrics-json", "m.json", "--quiet"]
    )
    argv = worker_arguments(args)
    assert argv == ["train", "p.json", "--epochs", "1", "--metrics-json", "m.json", "--quiet"]
    launch = torchrun_arguments(2, argv)
    assert "--nproc-per-node=2" in launch and "--rdzv-backend=c10d" in launch
    assert launch[-len(argv) - 2 :] == ["--module", "studio", *argv]


def test_nproc_must_be_a_positive_number(tmp_path: Path, capsys) -> None:
    project = tmp_path / "p.json"
    save_project(project, default_project())
    assert main(["train", str(project), "--nproc", "0"]) == 2
    assert "--nproc must be a whole number of at least 1" in capsys.readouterr().err


@pytest.mark.slow
def test_torchrun_trains_the_exported_script_like_one_process(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    project = default_project()
    script = write(tmp_path, project)
    single = run_script(
        script,
        ["--epochs", "1", "--device", "cpu", "--out", str(tmp_path / "one.pt")],
        monkeypatch,
        capsys,
    )
    (tmp_path / "one.pt").unlink()
    before = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2"]
    logs = importlib.util.find_spec("tensorboard") is not None
    args = ["--epochs", "1", "--device", "cpu", "--out", "ddp.pt"]
    args += ["--tensorboard", "tb"] if logs else []
    done = subprocess.run(
        [*command, str(script), *args],
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.count("2 processes, world size 2") == 1  # only rank 0 prints
    (epoch,) = [(int(e), float(a)) for e, _, a in EPOCH_LINE.findall(done.stdout)]
    assert epoch[0] == 1 and abs(epoch[1] - single[0][2]) <= 1.0  # percent, same global batch
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*")} - before
    events = [p for p in written if p.name.startswith("events.out.tfevents")]
    assert len(events) == (1 if logs else 0)  # rank 1 writes no log either
    if logs:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

        log = EventAccumulator(str(tmp_path / events[0].parent))
        log.Reload()
        tags = set(log.Tags()["scalars"])
        assert {"loss/train", "loss/validation", "accuracy/validation", "learning_rate"} <= tags
        assert "class_accuracy/7" in tags
    assert {p for p in written if p.suffix == ".pt"} == {Path("ddp.pt")}
    weights = torch.load(tmp_path / "ddp.pt", weights_only=True)
    assert not any(k.startswith("module.") for k in weights)  # plain Sequential keys


@pytest.mark.slow
def test_studio_train_nproc_2_gives_the_outputs_of_a_plain_run(tmp_path: Path, capsys) -> None:
    project = tmp_path / "lenet.json"
    save_project(project, default_project())
    plain = ["train", str(project), "--epochs", "1", "--device", "cpu"]
    assert main([*plain, "--out", str(tmp_path / "one.pt")]) == 0
    single = float(PROGRESS.search(capsys.readouterr().out).group(1))
    (tmp_path / "one.pt").unlink()

    args = [*plain, "--nproc", "2", "--metrics-json", str(tmp_path / "m.json")]
    done = subprocess.run(
        [sys.executable, "-m", "studio", *args],
        cwd=tmp_path,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert len(PROGRESS.findall(out)) == 1 and out.count("Training on cpu with") == 1
    assert abs(float(PROGRESS.search(out).group(1)) - single) <= 1.0
    assert out.strip().splitlines()[-1].startswith(f"Saved {tmp_path / 'lenet.pt'} (epoch 1")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lenet.json", "lenet.pt", "m.json"]
    epochs = json.loads((tmp_path / "m.json").read_text("utf-8"))["epochs"]
    assert [e["epoch"] for e in epochs] == [1]
    model = load_model(tmp_path / "lenet.pt")
    assert model.metrics[0]["val_accuracy"] == pytest.approx(epochs[0]["val_accuracy"])


def test_more_processes_than_gpus_is_refused(tmp_path: Path, capsys, monkeypatch) -> None:
    from studio.core.training import factories

    monkeypatch.setattr(factories, "resolve_device", lambda name: torch.device("cuda", 0))
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    project = tmp_path / "p.json"
    save_project(project, default_project())
    assert main(["train", str(project), "--nproc", "2", "--device", "cuda"]) == 2
    assert "--nproc 2 needs 2 GPUs, one per process, but this computer has 1" in (
        capsys.readouterr().err
    )
