"""Networks a file merely claims: refused from an estimate, before anything is allocated."""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

import pytest
import torch

from studio.cli import main
from studio.core.architecture import Architecture, Block
from studio.core.errors import StudioError
from studio.core.io.model_file import load_model
from studio.core.memory import check_fits, format_bytes
from studio.core.shapes import analyse
from studio.core.training.checkpoint import fast_forward

from .files_support import GENERIC, model_dict, project_dict

pytestmark = pytest.mark.reliability

HUGE_INPUT = [3, 65536, 65536]


def _huge_project(path: Path) -> Path:
    data = project_dict()
    data["architecture"]["input_shape"] = HUGE_INPUT
    data["architecture"]["layers"][1]["params"]["out_features"] = 1_000_000
    path.write_text(json.dumps(data))
    return path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_summary_shows_the_estimate_and_exits_1(tmp_path, capsys):
    assert main(["summary", str(_huge_project(tmp_path / "p.json"))]) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("ERROR: This network needs about") and "PB" in last


def test_train_refuses_before_loading_data_or_allocating(tmp_path, capsys):
    start = time.perf_counter()
    assert main(["train", str(_huge_project(tmp_path / "p.json"))]) == 2
    err = capsys.readouterr().err
    assert "needs about" in err and "batch size" not in err.split("more than")[1].lower()
    assert not any(g in err for g in GENERIC)
    assert time.perf_counter() - start < 5
    assert not (tmp_path / "p.pt").exists()


def test_a_small_model_file_claiming_a_huge_input_costs_nothing(tmp_path, capsys):
    """220 KB of weights whose project claims a far larger input: compared, not built."""
    data = model_dict()
    data["project"]["architecture"]["input_shape"] = [1, 4096, 4096]
    path = tmp_path / "m.pt"
    torch.save(data, path)
    before = _peak_mb()
    start = time.perf_counter()
    for verb in ("summary", "predict"):
        args = [verb, str(path)] + ([str(path)] if verb == "predict" else [])
        assert main(args) == 2
        assert "do not fit this network" in capsys.readouterr().err
    assert time.perf_counter() - start < 5
    assert _peak_mb() - before < 300  # building it would take 64 MB per output, 640 MB


def test_building_a_network_beyond_memory_is_refused_with_the_estimate():
    arch = Architecture(
        (65536,), [Block.create("Linear", out_features=1_000_000)] * 16
    )  # 1e12 parameters
    start = time.perf_counter()
    with pytest.raises(StudioError, match=r"needs about .* TB") as caught:
        arch.build()
    assert time.perf_counter() - start < 2
    assert "batch size" not in caught.value.message.split("more than")[1].lower()


def test_batch_size_advice_only_when_it_helps():
    arch = Architecture((3, 1024, 1024), [Block.create("Conv2d", out_channels=256)])
    report = analyse(arch)
    with pytest.raises(StudioError, match="Lower the batch size"):
        check_fits(report, batch_size=1_000_000, training=True)
    check_fits(report, batch_size=1)


def test_format_bytes():
    assert format_bytes(999) == "999 B"
    assert format_bytes(2_500_000_000) == "2.5 GB"


@pytest.mark.parametrize("schedule", ["step", "cosine", "onecycle"])
def test_fast_forward_is_one_step_whatever_the_count(schedule):
    from studio.core.project import TrainingConfig
    from studio.core.training import factories

    param = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    config = TrainingConfig(optimizer="sgd", schedule=schedule, lr=0.1)
    scheduler = factories.make_scheduler(optimizer, config, 10, 10**12)
    start = time.perf_counter()
    fast_forward(scheduler, 10**12)
    assert time.perf_counter() - start < 1
    assert scheduler.last_epoch == 10**12 and 0 <= optimizer.param_groups[0]["lr"] <= 0.1
    # a small count gives what stepping one by one gives
    fresh = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    stepped = factories.make_scheduler(fresh, config, 10, 100)
    jumped_opt = torch.optim.SGD([param], lr=0.1, momentum=0.9)
    jumped = factories.make_scheduler(jumped_opt, config, 10, 100)
    with pytest.warns(UserWarning):
        for _ in range(37):
            stepped.step()
    fast_forward(jumped, 37)
    assert jumped_opt.param_groups[0]["lr"] == pytest.approx(fresh.param_groups[0]["lr"])


def test_resume_with_a_crafted_step_count_is_refused(tmp_path, capsys):
    data = model_dict()
    data["resume"]["global_step"] = 10**15
    path = tmp_path / "m.pt"
    torch.save(data, path)
    assert main(["summary", str(path)]) == 2
    assert "training state" in capsys.readouterr().err
    assert load_model  # the same check guards the window, which opens with load_model
