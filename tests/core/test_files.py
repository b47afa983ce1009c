"""Project and model files: round trips, atomic saves, and every kind of bad file."""

from __future__ import annotations

import json
import os
import pickle
import zipfile
from pathlib import Path

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio.core.errors import FileFormatError
from studio.core.io import atomic
from studio.core.io.model_file import ModelFile, load_model, load_weights, save_model
from studio.core.io.project_file import SCHEMA_VERSION, load_project, save_project
from studio.core.templates import TEMPLATES, get_template


def _model_file(name: str = "lenet-mnist") -> ModelFile:
    project = get_template(name)
    torch.manual_seed(0)
    model = project.architecture.build()
    return ModelFile(
        project=project,
        state_dict=model.state_dict(),
        classes=[str(i) for i in range(10)],
        mean=(0.13,),
        std=(0.31,),
        metrics=[{"epoch": 1, "val_accuracy": 0.5, "confusion": [[1, 0], [0, 1]]}],
        resume={"epoch": 1, "optimizer": torch.optim.Adam(model.parameters()).state_dict()},
    )


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_project_round_trip(tmp_path: Path, name: str):
    project = get_template(name)
    project.name = "网络 ✓ ünïcode"
    path = tmp_path / "p.json"
    save_project(path, project)
    data = json.loads(path.read_text("utf-8"))
    assert data["format"] == "sequential-studio-project"
    assert data["schema_version"] == SCHEMA_VERSION
    loaded = load_project(path)
    assert loaded.to_dict() == project.to_dict()


def test_model_round_trip_loads_with_plain_torch_load(tmp_path: Path):
    original = _model_file()
    path = tmp_path / "m.pt"
    save_model(path, original)
    raw = torch.load(path, weights_only=True)
    assert raw["format"] == "sequential-studio-model"
    model = original.project.architecture.build()
    model.load_state_dict(raw["state_dict"])  # the keys are a plain nn.Sequential's
    loaded = load_model(path)
    assert loaded.classes == original.classes
    assert loaded.metrics == original.metrics
    assert loaded.resume["epoch"] == 1
    for key, tensor in original.state_dict.items():
        assert torch.equal(loaded.state_dict[key], tensor)


def test_pickled_payload_is_refused_without_running(tmp_path: Path):
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = tmp_path / "evil.pt"
    torch.save({"format": "sequential-studio-model", "x": Payload()}, path)
    with pytest.raises(FileFormatError, match="not loaded"):
        load_model(path)
    assert not marker.exists()
    legacy = tmp_path / "legacy.pt"
    legacy.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(FileFormatError):
        load_model(legacy)
    assert not marker.exists()


@pytest.mark.parametrize(
    "content, phrase",
    [
        (b"", "empty"),
        (b"PK\x03\x04garbage", "damaged"),
        (b"hello world", "damaged"),
    ],
)
def test_corrupt_model_files_give_one_sentence(tmp_path: Path, content: bytes, phrase: str):
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(FileFormatError, match=phrase):
        load_model(path)


def test_truncated_model_file(tmp_path: Path):
    path = tmp_path / "m.pt"
    save_model(path, _model_file())
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileFormatError, match="damaged"):
        load_model(path)


def test_newer_and_foreign_model_files(tmp_path: Path):
    path = tmp_path / "m.pt"
    torch.save({"format": "sequential-studio-model", "version": 99}, path)
    with pytest.raises(FileFormatError, match="newer version"):
        load_model(path)
    torch.save({"something": "else"}, path)
    with pytest.raises(FileFormatError, match="not a Sequential Studio model"):
        load_model(path)


def test_bare_state_dict_loads_with_its_project(tmp_path: Path):
    project = get_template("lenet-mnist")
    weights = project.architecture.build().state_dict()
    path = tmp_path / "weights.pt"
    torch.save(weights, path)
    with pytest.raises(FileFormatError, match="only weights"):
        load_model(path)
    assert set(load_weights(path, project)) == set(weights)


def test_state_dict_with_missing_extra_or_misshaped_keys(tmp_path: Path):
    project = get_template("lenet-mnist")
    good = project.architecture.build().state_dict()
    path = tmp_path / "w.pt"
    missing = dict(good)
    missing.pop("0.weight")
    torch.save(missing, path)
    with pytest.raises(FileFormatError, match=r"missing 0\.weight"):
        load_weights(path, project)
    torch.save({**good, "99.weight": torch.zeros(1)}, path)
    with pytest.raises(FileFormatError, match=r"unexpected 99\.weight"):
        load_weights(path, project)
    torch.save({**good, "0.weight": torch.zeros(3, 1, 5, 5)}, path)
    with pytest.raises(FileFormatError, match="has shape"):
        load_weights(path, project)
    torch.save({**good, "0.weight": good["0.weight"].to_sparse()}, path)
    with pytest.raises(FileFormatError):
        load_weights(path, project)


def test_failed_save_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "p.json"
    save_project(path, get_template("lenet5"))
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(FileFormatError, match="No space left"):
        save_project(path, get_template("mlp-fashion"))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["p.json"]  # no temporary file left behind


def test_crash_inside_the_writer_leaves_no_partial_file(tmp_path: Path):
    path = tmp_path / "m.pt"

    def half_then_crash(handle):
        handle.write(b"partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomic(path, half_then_crash)
    assert not path.exists() and os.listdir(tmp_path) == []


def test_unwritable_destination_is_one_sentence(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(FileFormatError, match="Could not write"):
        save_project(blocker / "p.json", get_template("lenet5"))


@pytest.mark.parametrize(
    "mutate, phrase",
    [
        (lambda d: "{not json", "not valid JSON"),
        (lambda d: json.dumps({"hello": 1}), "not a Sequential Studio project"),
        (lambda d: json.dumps({**d, "schema_version": 99}), "newer version"),
        (
            lambda d: json.dumps(
                {**d, "architecture": {**d["architecture"], "layers": [{"type": "Conv9d"}]}}
            ),
            "Unknown block type",
        ),
        (
            lambda d: json.dumps(
                {
                    **d,
                    "architecture": {
                        **d["architecture"],
                        "layers": [{"type": "Conv2d", "params": {"out_channels": 0}}],
                    },
                }
            ),
            "at least 1",
        ),
        (
            lambda d: json.dumps(
                {
                    **d,
                    "architecture": {
                        **d["architecture"],
                        "layers": [{"type": "Conv2d", "params": {"out_channels": "many"}}],
                    },
                }
            ),
            "must be a number",
        ),
        (lambda d: json.dumps({**d, "architecture": {"layers": []}}), "input shape"),
        (lambda d: json.dumps({**d, "training": {"lr": 1e308 * 10}}), "must be a number"),
        (lambda d: json.dumps({**d, "training": {"epochs": 10**12}}), "outside the allowed range"),
        (lambda d: json.dumps({**d, "training": {"optimizer": "magic"}}), "choose one of"),
        (
            lambda d: json.dumps({k: v for k, v in d.items() if k != "architecture"}),
            "no architecture",
        ),
    ],
)
def test_bad_project_files(tmp_path: Path, mutate, phrase: str):
    good = tmp_path / "good.json"
    save_project(good, get_template("lenet-mnist"))
    data = json.loads(good.read_text())
    bad = tmp_path / "bad.json"
    bad.write_text(mutate(data), encoding="utf-8")
    with pytest.raises(FileFormatError, match=phrase):
        load_project(bad)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.binary(max_size=400))
def test_random_bytes_never_crash_either_loader(tmp_path: Path, blob: bytes):
    path = tmp_path / "random.bin"
    path.write_bytes(blob)
    for loader in (load_project, load_model):
        try:
            loader(path)
        except FileFormatError as error:
            assert error.message and "\n" not in error.message


def _json_values():
    return st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=10,
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.sampled_from(["architecture", "training", "dataset", "name"]),
    _json_values(),
)
def test_random_project_fields_never_crash(tmp_path: Path, field: str, value):
    data = {
        "format": "sequential-studio-project",
        "schema_version": 1,
        **get_template("lenet5").to_dict(),
    }
    data[field] = value
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    try:
        load_project(path)
    except FileFormatError as error:
        assert error.message


def test_model_zip_without_data_is_damaged(tmp_path: Path):
    path = tmp_path / "m.pt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02}q\x00.")  # an empty dict, no tensors
    with pytest.raises(FileFormatError):
        load_model(path)
