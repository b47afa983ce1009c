"""Hostile or broken project and model files: one clear line and exit 2, through every entry point.

Each file goes through ``studio summary``, ``export``, ``train`` (and ``train --resume``
for model files), ``predict``, and the window's ``open_project``. Nothing may raise
anything but a ``StudioError``, and no catch-all message may appear.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import studio.core.data as data_package
from studio.cli import main
from studio.core.errors import DatasetError, StudioError
from studio.core.training.trainer import Trainer

from .files_support import GENERIC, model_dict, project_dict, write_image

pytestmark = pytest.mark.reliability

NAN = float("nan")


@pytest.fixture(autouse=True)
def offline_and_quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Train zero batches and never download: only the bundled sample loads."""
    real = data_package.load_dataset

    def only_the_sample(config, *args, **kwargs):
        if config.name != "mnist-sample":
            raise DatasetError("The test only has the bundled sample.")
        return real(config, *args, **kwargs)

    monkeypatch.setattr(data_package, "load_dataset", only_the_sample)
    monkeypatch.setattr(Trainer, "_train", lambda self, run: "completed")


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    err = capsys.readouterr().err
    assert code in (0, 1, 2), (args, code, err)
    assert not any(phrase in err for phrase in GENERIC), (args, err)
    if code == 2:
        assert len(err.strip().splitlines()) == 1, err
    return code, err


def every_entry_point(path: Path, capsys, is_model: bool) -> list[int]:
    """Run the file through each CLI verb; return their exit codes."""
    folder = path.parent
    image = folder / "digit.png"
    if not image.exists():
        write_image(image)
    codes = []
    for args in (
        ["summary", str(path)],
        ["export", str(path), "-o", str(folder / "s.py"), "--force"],
        ["train", str(path), "--out", str(folder / "out.pt"), "--force", "--quiet"],
        *(
            [
                ["predict", str(path), str(image)],
                ["train", str(folder / "p.json"), "--resume", str(path), "--quiet"],
            ]
            if is_model
            else []
        ),
    ):
        codes.append(run_cli(args, capsys)[0])
    return codes


# --- the named attacks -----------------------------------------------------------------


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(data)
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


MODEL_ATTACKS = {
    "normalization list": (("normalization",), [0.1, 0.3], "normalisation"),
    "normalization text": (("normalization",), "mean", "normalisation"),
    "mean and std lengths differ": (
        ("normalization",),
        {"mean": [0.1, 0.2], "std": [0.3]},
        "normalisation",
    ),
    "three channels for one": (
        ("normalization",),
        {"mean": [0.1] * 3, "std": [0.3] * 3},
        "normalisation",
    ),
    "std zero": (("normalization",), {"mean": [0.1], "std": [0.0]}, "standard deviation of 0"),
    "epoch text": (("metrics",), [{"epoch": "abc"}], "metric history"),
    "epoch NaN": (("metrics",), [{"epoch": NAN}], "metric history"),
    "epoch negative": (("metrics",), [{"epoch": -1}], "metric history"),
    "entry not a dict": (("metrics",), ["epoch 1"], "metric history"),
    "epoch absurd": (("metrics",), [{"epoch": 10**15}], "metric history"),
    "resume epoch text": (("resume", "epoch"), "abc", "training state"),
    "resume epoch absurd": (("resume", "epoch"), 10**15, "training state"),
    "resume step absurd": (("resume", "global_step"), 10**15, "training state"),
    "more steps than planned": (("resume", "plan"), {"total_steps": 5}, "training state"),
    "resume negative": (("resume", "epoch"), -3, "training state"),
    "resume text": (("resume",), "x", "training state"),
    "version true": (("version",), True, "format version"),
    "classes text": (("classes",), "0123456789", "class names"),
    "NaN weights": (("state_dict", "1.weight"), torch.full((10, 784), NAN), "NaN or infinite"),
    "Inf bias": (("state_dict", "1.bias"), torch.full((10,), math.inf), "NaN or infinite"),
    "401-digit layer size": (
        ("project", "architecture", "layers", 1, "params", "out_features"),
        10**400,
        "far too large",
    ),
    "5000-digit layer size": (
        ("project", "architecture", "layers", 1, "params", "out_features"),
        10**4999,
        "damaged",  # the weights-only unpickler has no opcode for such ints: refused earlier
    ),
    "5000-digit setting": (("project", "training", "lr"), 10**4999, "damaged"),
}


@pytest.mark.parametrize("attack", list(MODEL_ATTACKS))
def test_a_broken_model_file_gets_one_clear_line(tmp_path, capsys, attack):
    path_in_dict, value, phrase = MODEL_ATTACKS[attack]
    path = tmp_path / "m.pt"
    torch.save(_set(model_dict(), path_in_dict, value), path)
    (tmp_path / "p.json").write_text(json.dumps(project_dict()))
    for verb in (["summary"], ["predict"]):
        args = [*verb, str(path)] + (
            [str(write_image(tmp_path / "d.png"))] if verb == ["predict"] else []
        )
        code, err = run_cli(args, capsys)
        assert code == 2 and phrase in err, (attack, err)
    code, err = run_cli(["train", str(tmp_path / "p.json"), "--resume", str(path)], capsys)
    assert code == 2 and phrase in err
    assert not (tmp_path / "p.pt").exists()


PROJECT_ATTACKS = {
    "401 digits": '{"out_features": ' + "9" * 401 + "}",
    "4300+ digits": '{"out_features": ' + "9" * 4400 + "}",
    "huge float": '{"out_features": 1e400}',
    "NaN": '{"out_features": NaN}',
}


@pytest.mark.parametrize("attack", list(PROJECT_ATTACKS))
def test_huge_numbers_in_a_project_get_one_clear_line(tmp_path, capsys, attack):
    text = json.dumps(project_dict()).replace('{"out_features": 10', PROJECT_ATTACKS[attack][:-1])
    path = tmp_path / "p.json"
    path.write_text(text)
    assert every_entry_point(path, capsys, is_model=False) == [2, 2, 2]


def test_the_same_numbers_in_code_get_a_message_not_an_overflow():
    from studio.core.architecture import Architecture, Block
    from studio.core.project import check_setting

    arch = Architecture((1, 28, 28), [Block.create("Flatten"), Block.create("Linear")])
    with pytest.raises(StudioError, match="far too large"):
        arch.set_param(1, "out_features", 10**401)
    with pytest.raises(StudioError, match="far too large"):
        check_setting("lr", 10**5000, 0.1)


# --- fuzzing ---------------------------------------------------------------------------

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 10**15, 10**401, 2**63, 65_537]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.lists(
        st.one_of(st.integers(-3, 3), st.floats(allow_nan=True), st.text(max_size=2)), max_size=4
    ),
    st.dictionaries(st.text(max_size=4), st.integers(-2, 2), max_size=3),
)
PROJECT_PATHS = [
    ("format",),
    ("schema_version",),
    ("name",),
    ("architecture",),
    ("architecture", "input_shape"),
    ("architecture", "input_shape", 0),
    ("architecture", "input_shape", 2),
    ("architecture", "layers"),
    ("architecture", "layers", 1),
    ("architecture", "layers", 1, "type"),
    ("architecture", "layers", 1, "params"),
    ("architecture", "layers", 1, "params", "out_features"),
    ("architecture", "layers", 1, "params", "bias"),
    ("training",),
    ("training", "lr"),
    ("training", "epochs"),
    ("training", "batch_size"),
    ("training", "optimizer"),
    ("training", "schedule"),
    ("dataset",),
    ("dataset", "name"),
    ("dataset", "val_fraction"),
]
MODEL_PATHS = [
    ("format",),
    ("version",),
    ("normalization",),
    ("normalization", "mean"),
    ("normalization", "std"),
    ("classes",),
    ("metrics",),
    ("metrics", 0),
    ("metrics", 0, "epoch"),
    ("metrics", 0, "val_accuracy"),
    ("resume",),
    ("resume", "epoch"),
    ("resume", "global_step"),
    ("resume", "end_epoch"),
    ("resume", "optimizer"),
    ("resume", "plan"),
    ("state_dict",),
    ("state_dict", "1.weight"),
    ("state_dict", "1.bias"),
    *(("project", *p) for p in PROJECT_PATHS),
]
TENSORS = st.sampled_from(
    [torch.zeros(3), torch.full((10,), NAN), torch.zeros(10, 784, dtype=torch.float64)]
)


def _mutated(base: dict[str, Any], mutations: list[tuple[tuple[Any, ...], Any]]) -> dict:
    data = copy.deepcopy(base)
    for path, value in mutations:
        node = data
        try:
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation replaced the parent: nothing left to change
    return data


def _plain(value: Any) -> Any:
    """A tensor written into JSON becomes its list of numbers."""
    return value.tolist()


FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@FUZZ
@given(
    st.lists(st.tuples(st.sampled_from(PROJECT_PATHS), HOSTILE), min_size=1, max_size=3),
)
def test_fuzzed_project_json_never_escapes(tmp_path_factory, capsys, mutations):
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "p.json"
    path.write_text(json.dumps(_mutated(project_dict(), mutations), allow_nan=True))
    every_entry_point(path, capsys, is_model=False)


@FUZZ
@given(
    st.lists(
        st.tuples(st.sampled_from(MODEL_PATHS), st.one_of(HOSTILE, TENSORS)), min_size=1, max_size=3
    ),
)
def test_fuzzed_model_files_never_escape(tmp_path_factory, capsys, mutations):
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "p.json").write_text(json.dumps(project_dict()))
    path = folder / "m.pt"
    torch.save(_mutated(model_dict(), mutations), path)
    every_entry_point(path, capsys, is_model=True)


@settings(max_examples=15, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_are_refused_with_one_line(tmp_path_factory, raw):
    import contextlib
    import io

    folder = tmp_path_factory.mktemp("bytes")
    for name in ("p.json", "m.pt"):
        (folder / name).write_bytes(raw)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main(["summary", str(folder / name)])
        assert code in (1, 2) and not any(g in err.getvalue() for g in GENERIC)


def test_the_window_opens_fuzzed_files_or_says_why(qtbot, tmp_path, monkeypatch):
    """``MainWindow.open_project`` raises only StudioError (its callers show that)."""
    from PySide6.QtWidgets import QMessageBox

    from studio.gui.main_window import MainWindow

    for name in ("question", "warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Discard)
    window = MainWindow()
    qtbot.addWidget(window)
    refused: list[str] = []

    @settings(max_examples=25, deadline=None)
    @given(
        st.booleans(),
        st.lists(
            st.tuples(st.sampled_from(MODEL_PATHS), st.one_of(HOSTILE, TENSORS)),
            min_size=1,
            max_size=3,
        ),
    )
    def open_one(as_model: bool, mutations: list) -> None:
        if as_model:
            path = tmp_path / "m.pt"
            torch.save(_mutated(model_dict(), mutations), path)
        else:
            path = tmp_path / "p.json"
            project_mutations = [(p[1:], v) for p, v in mutations if p[0] == "project"]
            text = json.dumps(_mutated(project_dict(), project_mutations), default=_plain)
            path.write_text(text)
        try:
            window.open_project(path)
        except StudioError as error:
            refused.append(error.message)
            assert not any(g in error.message for g in GENERIC)

    try:
        open_one()
        for special in (tmp_path, Path("/dev/zero")):
            with pytest.raises(StudioError):
                window.open_project(special)
    finally:
        window.document.undo_stack.setClean()
        window.session.shutdown()
    assert refused  # the fuzzing did reach the checks


@pytest.mark.parametrize("kind", ["folder", "fifo", "dev-zero", "dangling-link"])
def test_special_files_are_refused_without_blocking(tmp_path, capsys, kind):
    import os

    path = tmp_path / "p.json"
    if kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # no writer: a blocking open or read would hang here forever
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")  # endless: reading it whole would exhaust memory
    else:
        path.symlink_to(tmp_path / "nowhere.json")
    (tmp_path / "good.json").write_text(json.dumps(project_dict()))
    for args in (
        ["summary", str(path)],
        ["export", str(path), "-o", str(tmp_path / "s.py")],
        ["train", str(path), "--out", str(tmp_path / "m.pt")],
        ["predict", str(path), str(write_image(tmp_path / "d.png"))],
        ["train", str(tmp_path / "good.json"), "--resume", str(path)],
    ):
        code, err = run_cli(args, capsys)
        assert code == 2, (args, err)
        assert any(
            phrase in err
            for phrase in ("not a regular file", "is a folder", "no file at", "not a model file")
        ), err
