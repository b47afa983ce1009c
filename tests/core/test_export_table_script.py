"""The exported script of a CSV project: lint-clean, the app's data, the app's first epochs,
and ``studio import`` of it restores the csv dataset (#16)."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studio.core.codegen.restore import import_project
from studio.core.codegen.training_script import export_script
from studio.core.data import load_dataset
from studio.core.training.trainer import Trainer
from tests.core.test_regression import classification_csv, mlp, regression_csv, table_project

RUFF = Path(sys.executable).with_name("ruff")
PROJECT_LINT = ["--select", "E,F,W,I,B,UP,SIM,RUF", "--line-length", "100"]
CLASS_LINE = re.compile(r"epoch (\d+): training loss ([\d.]+), validation loss ([\d.]+), ")
REGRESSION_LINE = re.compile(
    r"epoch (\d+): training loss ([\d.]+), validation loss ([\d.]+), MAE ([\d.]+), R² ([-\d.]+)"
)


def messy_classification_csv(path: Path) -> Path:
    """The blobs with a few gaps and a short row, which both app and script must skip."""
    classification_csv(path, n=300)
    lines = path.read_text("utf-8").splitlines()
    for index, column, gap in ((5, 0, "NA"), (9, -1, "?")):
        cells = lines[index].split(",")
        cells[column] = gap
        lines[index] = ",".join(cells)
    lines.append("1.0,2.0")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def projects(tmp_path: Path) -> dict:
    blobs = messy_classification_csv(tmp_path / "blobs.csv")
    sums = regression_csv(tmp_path / "sum.csv", n=300)
    return {
        "classes": table_project(blobs, mlp(21, 16, 3), "kind", epochs=2, batch_size=16),
        "classes-mse": table_project(
            blobs, mlp(21, 16, 3), "kind", epochs=2, loss="mse", schedule="onecycle"
        ),
        "regression": table_project(
            sums, mlp(4, 8, 1), "y", epochs=2, optimizer="sgd", schedule="cosine"
        ),
        "regression-l1": table_project(sums, mlp(4, 8, 1), "y", epochs=2, loss="smooth_l1"),
    }


def run_script(path: Path, args: list[str], monkeypatch, capsys) -> str:
    monkeypatch.setattr(sys, "argv", [str(path), *args])
    capsys.readouterr()
    runpy.run_path(str(path), run_name="__main__")
    return capsys.readouterr().out


def test_table_scripts_pass_the_projects_lint_rules(tmp_path: Path) -> None:
    out = tmp_path / "scripts"
    out.mkdir()
    for name, project in projects(tmp_path).items():
        (out / f"{name.replace('-', '_')}.py").write_text(export_script(project), "utf-8")
    result = subprocess.run(
        [str(RUFF), "check", "--isolated", "--no-cache", *PROJECT_LINT, str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_script_prepares_the_same_table_as_the_app(tmp_path: Path) -> None:
    project = projects(tmp_path)["classes"]
    script = tmp_path / "train.py"
    script.write_text(export_script(project), "utf-8")
    table = runpy.run_path(str(script))["load_table"](project.dataset.path)
    app = load_dataset(project.dataset, project.architecture.input_shape)
    assert table["classes"] == app.classes == ["cat", "dog", "eel"]
    assert np.array_equal(table["x_train"], app.train_images.numpy())
    assert np.array_equal(table["y_val"], app.val_labels.numpy())
    assert table["missing"] == 2 and table["malformed"] == 1


@pytest.mark.parametrize("name", ["classes", "classes-mse", "regression", "regression-l1"])
def test_the_script_repeats_the_apps_first_epochs(
    name: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    project = projects(tmp_path)[name]
    result = Trainer(project, device="cpu").run()
    assert result.reason == "completed", result.error
    script = tmp_path / "train.py"
    script.write_text(export_script(project), "utf-8")
    args = ["--epochs", "2", "--out", str(tmp_path / "w.pt")]
    out = run_script(script, args, monkeypatch, capsys)
    regression = name.startswith("regression")
    found = (REGRESSION_LINE if regression else CLASS_LINE).findall(out)
    assert len(found) == 2, out
    for line, entry in zip(found, result.history, strict=True):
        assert int(line[0]) == entry["epoch"]
        assert float(line[1]) == pytest.approx(entry["train_loss"], abs=2e-4)
        assert float(line[2]) == pytest.approx(entry["val_loss"], abs=2e-4)
        if regression:
            assert float(line[3]) == pytest.approx(entry["val_mae"], rel=1e-3)
    assert "Saved the weights of epoch" in out


def test_importing_the_script_restores_the_csv_dataset(tmp_path: Path) -> None:
    project = projects(tmp_path)["regression"]
    source = export_script(project)
    imported = import_project(source, "train.py")
    assert imported.restored
    dataset = imported.project.dataset
    assert (dataset.name, dataset.path, dataset.target) == ("csv", project.dataset.path, "y")
    assert imported.project.architecture.input_shape == (4,)
