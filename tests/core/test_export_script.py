"""The exported training script: ruff-clean for every template and setting, runnable on
the bundled sample and on fake torchvision files, equal to the app's run, and its weights
move both ways."""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import runpy
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from torch import nn

from studio.cli import main as studio
from studio.core.architecture import Architecture, Block
from studio.core.codegen.model_code import model_definition
from studio.core.codegen.script_data import place_script_data
from studio.core.codegen.training_script import export_script
from studio.core.data import bundled_sample_path, load_dataset
from studio.core.io.model_file import load_weights
from studio.core.io.project_file import save_project
from studio.core.project import LOSSES, OPTIMIZERS, SCHEDULES, DatasetConfig, Project
from studio.core.templates import TEMPLATES, default_project, get_template
from studio.core.training.trainer import Trainer
from tests.core.test_data_formats import write_cifar, write_mnist

RUFF = Path(sys.executable).with_name("ruff")
EPOCH_LINE = re.compile(r"epoch (\d+): training loss ([\d.]+), .*validation accuracy ([\d.]+) %")


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise urllib.error.URLError("network disabled in tests")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)


def run_script(
    path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch, capsys
) -> list[tuple[int, float, float]]:
    """Run the script in this process (no second torch import); return its epoch lines."""
    monkeypatch.setattr(sys, "argv", [str(path), *args])
    capsys.readouterr()
    runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    assert "Accuracy of the network on the" in out
    assert "Accuracy for class: " in out
    return [(int(e), float(loss), float(acc)) for e, loss, acc in EPOCH_LINE.findall(out)]


def write(tmp_path: Path, project: Project, name: str = "train.py") -> Path:
    """The script, with the data it reads beside it, as ``studio export`` leaves them."""
    path = tmp_path / name
    path.write_text(export_script(project), encoding="utf-8")
    place_script_data(project, path)
    return path


def model_part(script: str) -> str:
    """The ``model = nn.Sequential(...)`` statement of a script, dedented."""
    match = re.search(r"^( *)model = nn\.Sequential\(.*?^\1\)$", script, re.M | re.S)
    assert match, "no model definition in the script"
    return textwrap.dedent(match.group(0))


def fake_cifar_checksums(monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
    """The real md5 check runs, against our fake files' sums (as the data tests do)."""
    import torchvision.datasets as tvd

    from tests.core.test_data_formats import md5

    folder = root / "cifar-10-batches-py"
    train = [[f"data_batch_{i}", md5(folder / f"data_batch_{i}")] for i in range(1, 6)]
    monkeypatch.setattr(tvd.CIFAR10, "train_list", train)
    monkeypatch.setattr(tvd.CIFAR10, "test_list", [["test_batch", md5(folder / "test_batch")]])
    meta = {"filename": "batches.meta", "key": "label_names"}
    monkeypatch.setattr(tvd.CIFAR10, "meta", {**meta, "md5": md5(folder / "batches.meta")})


# A Backbone template (finetune-resnet18) is left out until its exported code is read back
# (#15 import) and its model-only definition carries the script's backbone() helper.
PLAIN_TEMPLATES = {
    name: t
    for name, t in TEMPLATES.items()
    if all(b.type != "Backbone" for b in t.make().architecture)
}


def with_settings(project: Project, **training) -> Project:
    project = project.copy()
    project.training = dataclasses.replace(project.training, **training)
    return project


def image_folder(root: Path, per_class: int = 6) -> Path:
    rng = np.random.default_rng(3)
    for c, name in enumerate(("cats", "dogs", "owls")):
        (root / name / "sub").mkdir(parents=True)
        for i in range(per_class):
            pixels = rng.integers(0, 256, (10, 12, 3), dtype=np.uint8) // (c + 1)
            where = root / name / ("sub" if i % 3 == 0 else "")
            Image.fromarray(pixels).save(where / f"{i}.png")
        (root / name / "notes.txt").write_text("not an image")
    return root


def variants(tmp_path: Path) -> dict[str, Project]:
    """Every template, an image folder, and each optimizer, schedule, loss and init."""
    projects = {name: t.make() for name, t in PLAIN_TEMPLATES.items()}
    folder = default_project()
    folder.dataset = DatasetConfig("image-folder", path=str(image_folder(tmp_path / "pics")))
    projects["image-folder"] = folder
    flat = Project(Architecture((300,), [Block.create("Linear", out_features=3)]), folder.dataset)
    projects["image-folder-flat"] = flat
    base = default_project()
    for opt, sched, loss in itertools.product(OPTIMIZERS, SCHEDULES, LOSSES):
        projects[f"{opt}-{sched}-{loss}"] = with_settings(
            base, optimizer=opt, schedule=sched, loss=loss, weight_decay=0.01
        )
    for init in ("kaiming", "xavier", "normal"):
        projects[f"init-{init}"] = with_settings(base, init=init, optimizer="sgd", nesterov=True)
    crop = default_project()
    crop.dataset = DatasetConfig("cifar10", augment_crop=True, augment_flip=True)
    projects["cifar-gray-crop"] = crop  # colour -> gray and 32 -> 28 resize
    padded = get_template("lenet5")
    padded.architecture = Architecture((3, 32, 32), list(padded.architecture.blocks))
    projects["mnist-padded-colour"] = padded
    return projects


def test_every_variant_passes_ruff_with_default_rules(tmp_path: Path) -> None:
    out = tmp_path / "scripts"
    out.mkdir()
    for name, project in variants(tmp_path).items():
        (out / f"{name.replace('-', '_')}.py").write_text(export_script(project), encoding="utf-8")
    result = subprocess.run(
        [str(RUFF), "check", "--isolated", "--no-cache", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_the_projects_dataset_and_settings_are_written(tmp_path: Path) -> None:
    sample = export_script(default_project())
    assert str(bundled_sample_path().parent) not in sample  # no path of this machine
    assert 'SAMPLE = Path(__file__).resolve().parent / "data" / "mnist_5k.npz"' in sample
    assert "default=SAMPLE" in sample
    assert "datasets." not in sample and "Image.open" not in sample
    assert "OneCycleLR" in sample and "nn.CrossEntropyLoss()" in sample
    assert "torch.save(weights, args.out)" in sample  # the best epoch's weights
    for option in ("--epochs", "--batch-size", "--lr", "--device", "--data", "--out"):
        assert f'"{option}"' in sample
    cifar = export_script(get_template("cifar10-tutorial"))
    assert "datasets.CIFAR10(root, train=train, download=True)" in cifar
    assert 'default="./data"' in cifar and "random_flip" in cifar and "np." not in cifar
    assert "momentum=0.9" in cifar
    dropout = export_script(get_template("mnist-dropout"))
    assert "nn.NLLLoss()" in dropout
    mse = export_script(with_settings(default_project(), loss="mse", schedule="none"))
    assert "F.one_hot" in mse and "scheduler" not in mse


@pytest.mark.parametrize("name", ["lenet5", "mnist-dropout", "mnist-signal"])
def test_sample_templates_train_and_weights_load_into_the_app(
    name: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    project = get_template(name)
    script = write(tmp_path, project)
    weights = tmp_path / "weights.pt"
    epochs = run_script(script, ["--epochs", "1", "--out", str(weights)], monkeypatch, capsys)
    assert len(epochs) == 1 and epochs[0][2] > 30  # one epoch of LeNet on digits learns
    state = load_weights(weights, project)
    model = project.architecture.build()
    model.load_state_dict(state)
    save_project(tmp_path / "p.json", project)
    assert studio(["summary", str(tmp_path / "p.json")]) == 0
    digit = tmp_path / "digit.png"
    with np.load(bundled_sample_path()) as data:
        Image.fromarray(data["images"][0]).save(digit)
    capsys.readouterr()
    args = ["predict", str(weights), str(digit), "--project", str(tmp_path / "p.json")]
    assert studio(args) == 0
    assert "%" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["mlp-fashion", "cifar10-tutorial", "cifar10-sequential"])
def test_torchvision_templates_run_on_fake_files_without_downloading(
    name: str, tmp_path: Path, monkeypatch, capsys
) -> None:
    project = get_template(name)
    data = tmp_path / "data"
    if project.dataset.name == "cifar10":
        write_cifar(data)
        fake_cifar_checksums(monkeypatch, data)
    else:
        write_mnist(data, "FashionMNIST")
    script = write(tmp_path, project)
    weights = tmp_path / "w.pt"
    args = ["--epochs", "1", "--data", str(data), "--out", str(weights)]
    assert len(run_script(script, args, monkeypatch, capsys)) == 1
    load_weights(weights, project)  # raises if keys or shapes differ


def test_app_weights_load_into_the_scripts_model() -> None:
    for name, template in PLAIN_TEMPLATES.items():
        project = template.make()
        app_model = project.architecture.build().eval()
        namespace: dict = {"nn": nn}
        exec(model_part(export_script(project)), namespace)
        script_model = namespace["model"].eval()
        script_model.load_state_dict(app_model.state_dict())  # strict: same keys and shapes
        x = torch.randn(2, *project.architecture.input_shape)
        assert torch.equal(script_model(x), app_model(x)), name
        assert model_part(export_script(project)) + "\n" == model_definition(project.architecture)


SETTINGS = [
    {"optimizer": "sgd", "nesterov": True, "schedule": "step", "step_size": 1, "loss": "mse"},
    {"optimizer": "adamw", "schedule": "cosine", "init": "kaiming", "weight_decay": 0.01},
    {"optimizer": "rmsprop", "schedule": "onecycle", "init": "xavier", "batch_size": 7},
    {"optimizer": "adagrad", "schedule": "none", "init": "normal", "batch_size": 9},
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: s["optimizer"])
def test_script_repeats_the_app_on_small_data(
    settings: dict, tmp_path: Path, monkeypatch, capsys
) -> None:
    """Same data, seed and settings on the CPU: the same losses and accuracies, epoch by epoch."""
    data = tmp_path / "data"
    write_mnist(data)
    project = with_settings(default_project(), **settings)
    project.dataset = DatasetConfig("mnist", path=str(data), augment_crop=True, augment_flip=True)
    result = Trainer(project, epochs=2, device="cpu").run()
    assert result.reason == "completed", result.error
    script = write(tmp_path, project)
    args = ["--epochs", "2", "--data", str(data), "--out", str(tmp_path / "w.pt")]
    epochs = run_script(script, args, monkeypatch, capsys)
    for (epoch, loss, acc), entry in zip(epochs, result.history, strict=True):
        assert epoch == entry["epoch"]
        assert loss == pytest.approx(entry["train_loss"], abs=2e-4)
        assert acc == pytest.approx(100 * entry["val_accuracy"], abs=0.01)


def test_image_folder_script_sees_the_apps_data(tmp_path: Path, monkeypatch, capsys) -> None:
    project = default_project()
    blocks = list(project.architecture.blocks)
    blocks[-1] = Block.create("Linear", out_features=3)  # three classes
    project.architecture = Architecture(project.architecture.input_shape, blocks)
    project.dataset = DatasetConfig("image-folder", path=str(image_folder(tmp_path / "pics")))
    script = write(tmp_path, project)
    namespace = runpy.run_path(str(script))  # not __main__: only the definitions
    train_x, train_y, val_x, val_y, classes = namespace["load_image_folder"](str(tmp_path / "pics"))
    app = load_dataset(project.dataset, project.architecture.input_shape)
    assert classes == app.classes == ["cats", "dogs", "owls"]
    assert torch.equal(train_x, app.train_images) and torch.equal(val_x, app.val_images)
    assert torch.equal(train_y, app.train_labels) and torch.equal(val_y, app.val_labels)
    mean, std = namespace["channel_stats"](train_x)
    assert mean.tolist() == pytest.approx(app.mean) and std.tolist() == pytest.approx(app.std)
    args = ["--epochs", "1", "--out", str(tmp_path / "w.pt")]
    assert len(run_script(script, args, monkeypatch, capsys)) == 1


def test_export_command_writes_script_and_model_only(tmp_path: Path, capsys) -> None:
    project_file = tmp_path / "p.json"
    save_project(project_file, default_project())
    script, model = tmp_path / "s.py", tmp_path / "m.py"
    assert studio(["export", str(project_file), "-o", str(script)]) == 0
    assert script.read_text(encoding="utf-8") == export_script(default_project())
    assert studio(["export", str(project_file), "-o", str(model), "--model-only"]) == 0
    namespace: dict = {}
    exec(model.read_text(encoding="utf-8"), namespace)
    assert isinstance(namespace["model"], nn.Sequential)
    assert studio(["export", str(tmp_path / "missing.json"), "-o", str(script)]) == 2
    assert "There is no file" in capsys.readouterr().err


@pytest.mark.slow
def test_default_project_script_reaches_the_apps_accuracy(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    project = default_project()
    result = Trainer(project, epochs=2, device="cpu").run()
    assert result.reason == "completed", result.error
    app_accuracy = 100 * result.history[-1]["val_accuracy"]
    script = write(tmp_path, project)
    args = ["--epochs", "2", "--device", "cpu", "--out", str(tmp_path / "w.pt")]
    epochs = run_script(script, args, monkeypatch, capsys)
    print(f"app {app_accuracy:.2f} %, script {epochs[-1][2]:.2f} %")
    assert epochs[-1][2] == pytest.approx(app_accuracy, abs=1.5)


@pytest.mark.parametrize("input_shape", [(1, 28, 28), (3, 30, 30), (3072,)], ids=str)
def test_script_fits_cifar_to_the_network_as_the_app_does(
    input_shape: tuple[int, ...], tmp_path: Path, monkeypatch, capsys
) -> None:
    """Colour to gray, resizing, flattening and crop/flip augmentation, compared with the app."""
    data = tmp_path / "data"
    write_cifar(data)
    fake_cifar_checksums(monkeypatch, data)
    if len(input_shape) == 3:
        project = default_project()
        project.architecture = Architecture(input_shape, list(project.architecture.blocks))
    else:
        project = get_template("mlp-fashion")
        project.architecture = Architecture(input_shape, list(project.architecture.blocks))
    project.dataset = DatasetConfig("cifar10", path=str(data), augment_crop=True, augment_flip=True)
    project.training.batch_size = 8
    result = Trainer(project, epochs=2, device="cpu").run()
    assert result.reason == "completed", result.error
    script = write(tmp_path, project)
    args = ["--epochs", "2", "--data", str(data), "--out", str(tmp_path / "w.pt")]
    epochs = run_script(script, args, monkeypatch, capsys)
    for (_, loss, acc), entry in zip(epochs, result.history, strict=True):
        assert loss == pytest.approx(entry["train_loss"], abs=2e-4)
        assert acc == pytest.approx(100 * entry["val_accuracy"], abs=0.01)


PROJECT_LINT = ["--select", "E,F,W,I,B,UP,SIM,RUF", "--line-length", "100"]


def test_every_template_passes_the_projects_lint_rules(tmp_path: Path) -> None:
    """The project's own rules, not just ruff's defaults: a learner's linter stays quiet."""
    out = tmp_path / "scripts"
    out.mkdir()
    for name, project in variants(tmp_path).items():
        stem = name.replace("-", "_")
        (out / f"{stem}.py").write_text(export_script(project), encoding="utf-8")
        model = "from torch import nn\n\n" + model_definition(project.architecture)
        (out / f"{stem}_model.py").write_text(model, encoding="utf-8")
    assert {f"{n.replace('-', '_')}.py" for n in PLAIN_TEMPLATES} <= {p.name for p in out.iterdir()}
    result = subprocess.run(
        [str(RUFF), "check", "--isolated", "--no-cache", *PROJECT_LINT, str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_script_saves_the_best_epoch_and_says_which(tmp_path: Path, monkeypatch, capsys) -> None:
    """Validation accuracy 50 %, 90 %, 70 %: the weights of epoch 2 are saved, as the app would."""
    script = write(tmp_path, default_project())
    small = tmp_path / "small.npz"  # 300 digits: three quick epochs
    with np.load(bundled_sample_path()) as data:
        np.savez(small, images=data["images"][:300], labels=data["labels"][:300])
    namespace = runpy.run_path(str(script))  # definitions only; main's globals are the script's
    script_globals = namespace["main"].__globals__
    real_evaluate = script_globals["evaluate"]
    seen: list[dict[str, torch.Tensor]] = []

    def evaluate(model, inputs, labels, criterion, num_classes):
        loss, confusion = real_evaluate(model, inputs, labels, criterion, num_classes)
        seen.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        right = len(labels) * (50, 90, 70)[len(seen) - 1] // 100
        fake = torch.zeros_like(confusion)
        fake[0, 0], fake[0, 1] = right, len(labels) - right
        return loss, fake

    monkeypatch.setitem(script_globals, "evaluate", evaluate)
    weights = tmp_path / "w.pt"
    args = [str(script), "--epochs", "3", "--data", str(small), "--out", str(weights)]
    monkeypatch.setattr(sys, "argv", args)
    capsys.readouterr()
    namespace["main"]()
    out = capsys.readouterr().out
    assert "Saved the weights of epoch 2 (validation accuracy 90.00 %)" in out
    saved = torch.load(weights, weights_only=True)
    assert all(torch.equal(saved[k], seen[1][k]) for k in seen[1])
    assert not all(torch.equal(saved[k], seen[2][k]) for k in seen[2])
    load_weights(weights, default_project())  # the app reads the saved weights


def test_export_puts_the_sample_beside_the_script_and_never_overwrites_it(
    tmp_path: Path, capsys
) -> None:
    project_file = tmp_path / "p.json"
    save_project(project_file, default_project())
    script = tmp_path / "out" / "train.py"
    script.parent.mkdir()
    assert studio(["export", str(project_file), "-o", str(script)]) == 0
    copy = script.parent / "data" / "mnist_5k.npz"
    assert copy.read_bytes() == bundled_sample_path().read_bytes()
    assert "move the folder as a whole" in capsys.readouterr().out
    script.unlink()
    assert studio(["export", str(project_file), "-o", str(script)]) == 0  # the same copy: reused
    copy.write_bytes(b"someone else's data")
    script.unlink()
    assert studio(["export", str(project_file), "-o", str(script)]) == 2
    err = capsys.readouterr().err
    assert "already exists and is not the bundled MNIST sample" in err
    assert copy.read_bytes() == b"someone else's data" and not script.exists()
    assert place_script_data(default_project(), script, force=True) == copy  # for --force
    assert copy.read_bytes() == bundled_sample_path().read_bytes()
    cifar = tmp_path / "c.json"
    save_project(cifar, get_template("cifar10-tutorial"))
    (tmp_path / "c").mkdir()
    assert studio(["export", str(cifar), "-o", str(tmp_path / "c" / "train.py")]) == 0
    assert not (tmp_path / "c" / "data").exists()  # torchvision downloads to ./data itself


def test_image_folder_script_says_its_folder_in_help(tmp_path: Path, monkeypatch, capsys) -> None:
    project = default_project()
    folder = image_folder(tmp_path / "pics")
    project.dataset = DatasetConfig("image-folder", path=str(folder))
    script = write(tmp_path, project)
    assert not (tmp_path / "data").exists()
    monkeypatch.setattr(sys, "argv", [str(script), "--help"])
    with pytest.raises(SystemExit):
        runpy.run_path(str(script), run_name="__main__")
    help_text = "".join(capsys.readouterr().out.split())  # argparse wraps lines, even at "-"
    assert "itspathwhenexported" in help_text and str(folder) in help_text


@pytest.mark.slow
def test_exported_folder_trains_elsewhere_without_studio(tmp_path: Path) -> None:
    """Export, move the folder, then run it in a Python that cannot import studio."""
    project_file = tmp_path / "p.json"
    save_project(project_file, default_project())
    assert studio(["export", str(project_file), "-o", str(tmp_path / "export" / "train.py")]) == 0
    moved = tmp_path / "elsewhere" / "moved"
    moved.parent.mkdir()
    (tmp_path / "export").rename(moved)
    run = (
        "import runpy, sys; sys.modules['studio'] = None  # any import of studio fails\n"
        "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    command = [sys.executable, "-I", "-c", run, str(moved / "train.py"), "--epochs", "1"]
    command += ["--batch-size", "256", "--device", "cpu", "--out", "w.pt"]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "Saved the weights of epoch 1" in result.stdout
    load_weights(tmp_path / "w.pt", default_project())


@pytest.mark.timeout(60)
def test_image_folder_script_survives_link_loops_and_pipes(tmp_path: Path) -> None:
    """The script walks a folder as the app does: links back up, self-links and pipes are
    passed over, so it neither hangs nor counts an image twice or under the wrong class."""
    project = default_project()
    blocks = list(project.architecture.blocks)
    blocks[-1] = Block.create("Linear", out_features=3)
    project.architecture = Architecture(project.architecture.input_shape, blocks)
    root = image_folder(tmp_path / "pics")
    project.dataset = DatasetConfig("image-folder", path=str(root))
    script = write(tmp_path, project)
    clean = runpy.run_path(str(script))["load_image_folder"](str(root))
    (root / "cats" / "loop").symlink_to(root / "cats")  # a self-link
    (root / "cats" / "sub" / "again").symlink_to(root / "cats" / "sub")
    (root / "dogs" / "up").symlink_to(root)  # b/up -> .. would put every class under dogs
    (root / "owls" / "cats").symlink_to(root / "cats")  # another class's folder
    os.mkfifo(root / "owls" / "blocks.png")  # no writer: reading it would wait forever
    looped = runpy.run_path(str(script))["load_image_folder"](str(root))
    assert looped[4] == clean[4] == ["cats", "dogs", "owls"]
    for before, after in zip(clean[:4], looped[:4], strict=True):
        assert torch.equal(before, after)
