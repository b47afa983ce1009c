"""CSV tables as datasets: reading, encoding, splitting, and what is refused (issue #16)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core.data import describe_dataset, load_dataset
from studio.core.data import table_rules as rules
from studio.core.data.csv_table import MAX_CSV_BYTES
from studio.core.errors import DatasetError, FileFormatError, StudioError
from studio.core.project import DatasetConfig


def write_csv(path: Path, header: list[str], rows: list[list[object]], sep: str = ",") -> Path:
    lines = [sep.join(header)] + [sep.join(str(v) for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def config(path: Path, target: str = "", task: str = "auto", val: float = 0.25) -> DatasetConfig:
    return DatasetConfig("csv", str(path), val_fraction=val, target=target, task=task)


def classification_rows(n: int = 40) -> list[list[object]]:
    rng = np.random.default_rng(1)
    return [
        [round(float(rng.normal()), 3), round(float(rng.normal()) * 10 + 5, 3), "ab"[i % 2]]
        for i in range(n)
    ]


def test_numeric_features_are_standardised_with_training_statistics(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["x1", "x2", "label"], classification_rows())
    data = load_dataset(config(path, "label"), (2,))
    assert data.classes == ["a", "b"] and data.task == "classification"
    assert data.train_images.dtype == torch.float32 and data.sample_shape == (2,)
    assert data.train_labels.dtype == torch.int64
    assert torch.allclose(data.train_images.mean(0), torch.zeros(2), atol=1e-5)
    assert torch.allclose(data.train_images.std(0, unbiased=False), torch.ones(2), atol=1e-4)
    assert len(data.train_labels) == 30 and len(data.val_labels) == 10
    # the validation split is scaled with the training split's figures, not its own
    assert not torch.allclose(data.val_images.mean(0), torch.zeros(2), atol=1e-5)


def test_a_text_feature_is_one_hot_encoded_and_said_so(tmp_path):
    rows = [[i, ["red", "green", "blue"][i % 3], i % 2] for i in range(30)]
    path = write_csv(tmp_path / "t.csv", ["n", "colour", "y"], rows)
    info = describe_dataset(config(path, "y"))
    assert info.native_shape == (4,) and info.classes == ["0", "1"]
    data = load_dataset(config(path, "y"), (4,))
    one_hot = torch.cat([data.train_images, data.val_images])[:, 1:]
    assert set(one_hot.unique().tolist()) == {0.0, 1.0}  # left as 0/1, not standardised
    assert torch.all(one_hot.sum(1) == 1)
    assert any("one-hot" in note and "colour" in note for note in data.notes)


def test_rows_with_missing_values_are_skipped_and_counted(tmp_path):
    rows = classification_rows(40)
    rows[3][0] = ""
    rows[7][1] = "NA"
    rows[9][2] = "?"
    rows[11][0] = "inf"
    text = "\n".join(["x1,x2,label"] + [",".join(map(str, r)) for r in rows]) + "\n1,2\n"
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    data = load_dataset(config(path, "label"), (2,))
    assert len(data.train_labels) + len(data.val_labels) == 36
    assert "4 rows were skipped because a value was missing." in data.notes
    assert any(note.startswith("1 rows were skipped because they had more") for note in data.notes)


def test_a_missing_target_column_names_the_columns_there_are(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["x1", "x2", "label"], classification_rows())
    with pytest.raises(DatasetError) as caught:
        describe_dataset(config(path, "price"))
    assert "'price'" in caught.value.message and "x1, x2, label" in caught.value.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "empty"),
        ("a,b\n", "no complete rows"),
        ("only\n1\n2\n", "only one column"),
        ("a,a\n1,2\n", "twice"),
        ("x,y\n1,k\n2,k\n3,k\n", "only one value"),
        ("x,y\n1,2.5\n2,2.5\n3,2.5\n4,2.5\n", "same value in every row"),
    ],
)
def test_tables_that_cannot_train_are_refused_in_one_sentence(tmp_path, text, words):
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        describe_dataset(config(path))
    assert words in caught.value.message


def test_a_text_column_with_too_many_values_is_refused_by_name(tmp_path):
    rows = [[i, f"id-{i}", i % 2] for i in range(rules.MAX_CATEGORIES + 5)]
    path = write_csv(tmp_path / "t.csv", ["n", "code", "y"], rows)
    with pytest.raises(DatasetError) as caught:
        describe_dataset(config(path, "y"))
    assert "code" in caught.value.message and str(rules.MAX_CATEGORIES) in caught.value.message


def test_a_text_target_cannot_be_a_regression(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["x1", "x2", "label"], classification_rows())
    with pytest.raises(DatasetError, match="holds text"):
        describe_dataset(config(path, "label", task="regression"))


def test_the_task_is_inferred_from_the_target_and_can_be_chosen(tmp_path):
    rows = [[i, i % 3, i * 0.5] for i in range(30)]
    path = write_csv(tmp_path / "t.csv", ["x", "k", "v"], rows)
    assert describe_dataset(config(path, "k")).task == "classification"
    assert describe_dataset(config(path, "k")).classes == ["0", "1", "2"]
    assert describe_dataset(config(path, "v")).task == "regression"
    assert describe_dataset(config(path, "v")).classes == []
    assert describe_dataset(config(path, "k", task="regression")).task == "regression"
    # no target named: the last column
    assert describe_dataset(config(path)).task == "regression"


def test_whole_number_classes_sort_by_value(tmp_path):
    rows = [[i, [2, 10, 1][i % 3]] for i in range(30)]
    path = write_csv(tmp_path / "t.csv", ["x", "k"], rows)
    assert describe_dataset(config(path, "k")).classes == ["1", "2", "10"]


def test_regression_targets_are_standardised_and_kept_for_the_metrics(tmp_path):
    rows = [[i, 100.0 + 3.5 * i] for i in range(40)]
    path = write_csv(tmp_path / "t.csv", ["x", "y"], rows)
    data = load_dataset(config(path, "y"), (1,))
    assert data.is_regression and data.train_labels.dtype == torch.float32
    restored = data.train_labels.double() * data.target_std + data.target_mean
    assert set(np.round(restored.numpy(), 3)) <= {100.0 + 3.5 * i for i in range(40)}
    assert abs(float(data.train_labels.mean())) < 1e-5


def test_semicolons_tabs_and_a_byte_order_mark_are_read(tmp_path):
    for sep in (";", "\t"):
        path = write_csv(tmp_path / "t.csv", ["x1", "x2", "label"], classification_rows(), sep)
        assert describe_dataset(config(path, "label")).native_shape == (2,)
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffx,label\n1,a\n2,b\n3,a\n4,b\n".encode())
    assert describe_dataset(config(path, "label")).classes == ["a", "b"]


def test_the_network_must_take_the_table_shape(tmp_path):
    path = write_csv(tmp_path / "t.csv", ["x1", "x2", "label"], classification_rows())
    with pytest.raises(DatasetError, match=r"set the input shape to \(2,\)"):
        load_dataset(config(path, "label"), (1, 28, 28))


def test_a_file_too_large_or_not_text_is_refused_before_parsing(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(MAX_CSV_BYTES + 1)  # sparse: no real bytes written
    with pytest.raises(FileFormatError, match="far too large"):
        describe_dataset(config(big))
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"a,b\x00\x01\n")
    with pytest.raises(DatasetError, match="binary"):
        describe_dataset(config(binary))
    with pytest.raises(DatasetError, match="No CSV file"):
        describe_dataset(DatasetConfig("csv", ""))
    with pytest.raises(DatasetError, match="is a folder"):
        describe_dataset(config(tmp_path))


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab1,;"\n\t .-?'), max_size=80))
def test_any_text_either_loads_or_says_why(text):
    try:
        table = rules.prepare_table(text, ",", "", "auto", 0.25, 0)
    except StudioError as error:
        assert error.message.rstrip().endswith(".") and "Traceback" not in error.message
        return
    assert table["x_train"].shape[1] == len(table["features"])
    assert np.isfinite(table["x_train"]).all() and np.isfinite(table["y_train"]).all()


def test_the_preview_offers_the_input_shape_counts_and_notes(tmp_path):
    from studio.core.dataset_preview import preview_dataset

    rows = [[i, ["red", "green"][i % 2], i % 3] for i in range(30)]
    path = write_csv(tmp_path / "t.csv", ["n", "colour", "y"], rows)
    preview = preview_dataset(config(path, "y"))
    assert preview.input_shape == (3,) and preview.task == "classification"
    assert preview.classes == ["0", "1", "2"] and preview.counts == [10, 10, 10]
    assert any("colour" in note for note in preview.notes)
